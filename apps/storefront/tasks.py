"""The storefront's Celery tasks."""

from celery import shared_task

from . import analytics


@shared_task
def write_product_views() -> int:
    """Oscar's product view counts, written from Redis every minute (``analytics``)."""
    return analytics.write_product_views()
