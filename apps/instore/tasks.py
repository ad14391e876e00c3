"""Celery tasks for the counter: thin wrappers around the notifications."""

import smtplib

from celery import shared_task

from . import notifications


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, OSError),
    retry_backoff=30,
    retry_jitter=True,
    max_retries=8,
)
def send_return_receipt(return_ids: list[int]) -> bool:
    return notifications.send_return_receipt(return_ids=return_ids)
