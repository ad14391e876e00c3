"""Celery tasks: thin wrappers around the pickup services and notifications."""

import datetime as dt
import logging
import smtplib

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from apps.instore.models import CounterReturn
from apps.instore.services import queue_return_receipt

from . import notifications, selectors, services
from .models import PickupEvent

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, OSError),
    retry_backoff=30,
    retry_jitter=True,
    max_retries=8,
)
def notify_shopper(event_id: int) -> bool:
    """The event's e-mail, then its text; a retry after a failed text skips the sent e-mail."""
    emailed = notifications.send_event_message(event_id=event_id)
    texted = notifications.send_event_text(event_id=event_id)
    return emailed or texted


@shared_task
def expire_uncollected() -> int:
    """Mark ready orders not collected once their store's holding days are over."""
    now = timezone.now()
    expired = 0
    for order in selectors.waiting_for_collection():
        if order.collect_by > now:
            break  # soonest first: the rest are still within their holding days
        try:
            services.mark_not_collected(order=order, now=now)
            expired += 1
        except services.PickupError:
            logger.exception("could not mark order %s not collected", order.number)
    return expired


@shared_task
def remind_uncollected() -> int:
    """Remind shoppers, once, in the last day before their order's holding days end."""
    now = timezone.now()
    reminded = 0
    for order in selectors.waiting_for_collection():
        if order.collect_by - services.REMINDER_BEFORE > now:
            break
        if order.reminded or order.collect_by <= now:
            continue
        try:
            services.remind_to_collect(order=order, now=now)
            reminded += 1
        except services.PickupError:
            logger.exception("could not remind the customer of order %s", order.number)
    return reminded


@shared_task
def send_pending_notifications(older_than_minutes: int = 5) -> int:
    """Queue again the e-mails, texts and return receipts that were never sent (broker, mail or
    SMS provider down)."""
    cutoff = timezone.now() - dt.timedelta(minutes=older_than_minutes)
    unsent_email = Q(notified_at__isnull=True, kind__in=PickupEvent.NOTIFY)
    unsent_text = Q(texted_at__isnull=True, kind__in=PickupEvent.TEXT) & ~Q(order__pickup_phone="")
    pending = PickupEvent.objects.filter(
        unsent_email | unsent_text, created_at__lte=cutoff
    ).values_list("pk", flat=True)
    for event_id in pending:
        services.queue_notification(event_id)
    # Counter returns whose receipt never went out: one receipt per order for all of them.
    unsent = CounterReturn.objects.filter(notified_at__isnull=True, created_at__lte=cutoff)
    receipts: dict[int, list[int]] = {}
    for pk, order_id in unsent.values_list("pk", "order_id"):
        receipts.setdefault(order_id, []).append(pk)
    for ids in receipts.values():
        queue_return_receipt(ids)
    return len(pending) + len(receipts)
