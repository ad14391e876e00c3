"""Celery tasks: thin wrappers around the pickup services and notifications."""

import datetime as dt
import logging
import smtplib

from celery import shared_task
from django.utils import timezone
from oscar.core.loading import get_model

from apps.order import statuses

from . import notifications, services
from .models import PickupEvent

logger = logging.getLogger(__name__)
Order = get_model("order", "Order")


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, OSError),
    retry_backoff=30,
    retry_jitter=True,
    max_retries=8,
)
def notify_shopper(event_id: int) -> bool:
    return notifications.send_event_message(event_id=event_id)


@shared_task
def expire_uncollected() -> int:
    """Mark ready orders not collected once their store's holding days are over."""
    now = timezone.now()
    expired = 0
    for order in Order.objects.filter(
        status=statuses.READY, pickup_location__isnull=False
    ).select_related("pickup_location"):
        ready_at = (
            order.pickup_events.filter(kind=PickupEvent.Kind.READY)
            .values_list("created_at", flat=True)
            .last()
        )
        if ready_at and ready_at + dt.timedelta(days=order.pickup_location.holding_days) <= now:
            try:
                services.mark_not_collected(order=order, now=now)
                expired += 1
            except services.PickupError:
                logger.exception("could not mark order %s not collected", order.number)
    return expired


@shared_task
def send_pending_notifications(older_than_minutes: int = 5) -> int:
    """Queue again the shopper e-mails that were never sent (broker or mail server was down)."""
    cutoff = timezone.now() - dt.timedelta(minutes=older_than_minutes)
    pending = PickupEvent.objects.filter(
        notified_at__isnull=True, kind__in=PickupEvent.NOTIFY, created_at__lte=cutoff
    ).values_list("pk", flat=True)
    for event_id in pending:
        services.queue_notification(event_id)
    return len(pending)
