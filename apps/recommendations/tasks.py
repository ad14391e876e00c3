"""The nightly job that works the recommendations out anew (``CELERY_BEAT_SCHEDULE``)."""

from celery import shared_task

from . import services


@shared_task
def compute_recommendations() -> str:
    return str(services.compute_recommendations())
