"""The Celery app: tasks are found in every installed app's tasks.py."""

import os
import smtplib

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("omnishop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

#: Options for tasks that send mail or texts: providers fail in these ways, and the task is
#: retried with a growing pause (``@shared_task(**SEND_RETRY)``).
SEND_RETRY = {
    "autoretry_for": (smtplib.SMTPException, ConnectionError, OSError),
    "retry_backoff": 30,
    "retry_jitter": True,
    "max_retries": 8,
}
