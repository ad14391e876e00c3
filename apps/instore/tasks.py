"""Celery tasks of the counter (thin wrappers around ``services``), and the receiver that
queues the e-mailed receipt when a till sale commits."""

import smtplib

from celery import shared_task
from django.dispatch import receiver

from . import services
from .signals import till_sale_recorded

#: Mail servers fail in these ways; the task is retried with a growing pause.
RETRY = {
    "autoretry_for": (smtplib.SMTPException, ConnectionError, OSError),
    "retry_backoff": 30,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(**RETRY)
def send_till_receipt(sale_id: int) -> bool:
    return services.send_till_receipt(sale_id=sale_id)


@receiver(till_sale_recorded, dispatch_uid="instore.queue_till_receipt")
def queue_till_receipt(sender, sale_id: int, **kwargs) -> None:
    send_till_receipt.delay(sale_id)
