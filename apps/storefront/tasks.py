"""The storefront's Celery tasks."""

from celery import shared_task

from apps.journey import services as journey

from . import analytics


@shared_task
def write_product_views() -> int:
    """Oscar's product view counts, written from Redis every minute (``analytics``), and the
    journey's storefront steps counted beside them (``apps.journey.services``)."""
    journey.write_counted()
    return analytics.write_product_views()
