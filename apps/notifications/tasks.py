"""Celery tasks that send the shoppers' messages (thin wrappers around ``services``), and the
receivers that queue them when the pickup and counter domains announce a committed change."""

import datetime as dt
import logging

from celery import shared_task
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone

from apps.instore.models import CounterReturn
from apps.instore.signals import return_taken
from apps.pickup.models import PickupEvent
from apps.pickup.signals import event_recorded
from config.celery import SEND_RETRY

from . import services

logger = logging.getLogger(__name__)


@shared_task(**SEND_RETRY)
def notify_shopper(event_id: int) -> bool:
    """The event's e-mail, then its text; a retry after a failed text skips the sent e-mail."""
    emailed = services.send_event_message(event_id=event_id)
    texted = services.send_event_text(event_id=event_id)
    return emailed or texted


@shared_task(**SEND_RETRY)
def send_return_receipt(return_ids: list[int]) -> bool:
    return services.send_return_receipt(return_ids=return_ids)


@receiver(event_recorded, dispatch_uid="notifications.queue_event")
def queue_event(sender, event_id: int, **kwargs) -> None:
    notify_shopper.delay(event_id)


@receiver(return_taken, dispatch_uid="notifications.queue_return_receipt")
def queue_return_receipt(sender, return_ids: list[int], **kwargs) -> None:
    send_return_receipt.delay(return_ids)


def _queue(task, *args) -> None:
    """Queue a retry; a broker still down is logged, and the next sweep tries again."""
    try:
        task.delay(*args)
    except Exception:
        logger.exception("could not queue %s%s", task.name, args)


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
        _queue(notify_shopper, event_id)
    # Counter returns whose receipt never went out: one receipt per order for all of them.
    unsent = CounterReturn.objects.filter(notified_at__isnull=True, created_at__lte=cutoff)
    receipts: dict[int, list[int]] = {}
    for pk, order_id in unsent.values_list("pk", "order_id"):
        receipts.setdefault(order_id, []).append(pk)
    for ids in receipts.values():
        _queue(send_return_receipt, ids)
    return len(pending) + len(receipts)
