"""Celery jobs of customers' data (thin wrappers around ``services``)."""

from celery import shared_task
from django.template.loader import render_to_string
from oscar.core.loading import get_class

from config.celery import SEND_RETRY

from . import links, services
from .models import ExportArchive

Dispatcher = get_class("communication.utils", "Dispatcher")


@shared_task
def build_export(archive_id: int) -> bool:
    """Build a customer's archive, then e-mail them its download link."""
    archive = services.build_export(archive_id=archive_id)
    if archive is None:
        return False
    send_export_link.delay(archive.pk)
    return True


@shared_task(**SEND_RETRY)
def send_export_link(archive_id: int) -> bool:
    """The "your data is ready" e-mail (not marketing: sent whatever the customer's consent)."""
    archive = ExportArchive.objects.select_related("user").filter(pk=archive_id).first()
    if archive is None or not archive.is_downloadable:
        return False
    context = {"archive": archive, "user": archive.user, "url": links.download_url(archive)}
    messages = {
        "subject": render_to_string("privacy/emails/export_ready_subject.txt", context).strip(),
        "body": render_to_string("privacy/emails/export_ready_body.txt", context),
        "html": "",
        "sms": "",
    }
    Dispatcher().dispatch_user_messages(archive.user, messages)
    return True


@shared_task
def purge_retained() -> dict:
    return services.purge_retained()


@shared_task
def delete_expired_exports() -> int:
    return services.delete_expired_exports()
