"""Celery tasks of the counter (thin wrappers around ``services``), and the receiver that
queues the e-mailed receipt when a till sale commits."""

import datetime as dt
import logging

from celery import shared_task
from django.dispatch import receiver
from django.utils import timezone

from config.celery import SEND_RETRY

from . import services
from .models import TillSale
from .signals import till_sale_recorded

logger = logging.getLogger(__name__)


@shared_task(**SEND_RETRY)
def send_till_receipt(sale_id: int) -> bool:
    return services.send_till_receipt(sale_id=sale_id)


@receiver(till_sale_recorded, dispatch_uid="instore.queue_till_receipt")
def queue_till_receipt(sender, sale_id: int, **kwargs) -> None:
    send_till_receipt.delay(sale_id)


@shared_task
def send_pending_till_receipts(older_than_minutes: int = 5) -> int:
    """Queue again the till receipts that never went out (broker or mail server down)."""
    cutoff = timezone.now() - dt.timedelta(minutes=older_than_minutes)
    pending = list(
        TillSale.objects.filter(receipt_sent_at__isnull=True, created_at__lte=cutoff)
        .exclude(receipt_email="")
        .values_list("pk", flat=True)
    )
    for sale_id in pending:
        try:
            send_till_receipt.delay(sale_id)
        except Exception:
            logger.exception("could not queue the receipt of till sale %s", sale_id)
    return len(pending)
