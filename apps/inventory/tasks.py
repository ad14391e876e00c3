"""Celery beat's stock jobs: each store's managers get a morning digest of its open low-stock
alerts (Oscar's ``StockAlert``, kept by the stock write path), and nothing when there are none;
flash-sale holds past their time are deleted."""

import datetime as dt
import logging
import zoneinfo

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from apps.stores.selectors import active_stores

from . import holds, selectors, services

logger = logging.getLogger(__name__)

#: The store's local hour from which its day's digest goes out (the job runs every hour).
DIGEST_HOUR = 7


@shared_task
def send_low_stock_digests(now: str | None = None) -> int:
    """Send each store its digest once a day, from 07:00 its own time. Returns how many went."""
    moment = dt.datetime.fromisoformat(now) if now else timezone.now()
    sent = 0
    for store in active_stores().order_by("pk"):
        local = moment.astimezone(zoneinfo.ZoneInfo(store.timezone))
        if local.hour < DIGEST_HOUR:
            continue
        try:
            sent += send_low_stock_digest(store, day=local.date())
        except Exception:  # one store's failure (a mail server hiccup) must not stop the rest
            logger.exception("low-stock digest for %s not sent; next hour tries again", store.code)
    return sent


def send_low_stock_digest(store, *, day: dt.date) -> bool:
    """The store's digest for ``day``, if it has open alerts and managers and none went yet."""
    alerts = list(selectors.open_stock_alerts(store))
    recipients = selectors.digest_recipients(store)
    with transaction.atomic():
        claimed = services.claim_low_stock_digest(
            location=store, day=day, alerts=len(alerts), recipients=len(recipients)
        )
        if not claimed or not alerts or not recipients:
            return False
        context = {
            "store": store,
            "day": day,
            "alerts": [
                {
                    "title": alert.stockrecord.product.get_title(),
                    "upc": alert.stockrecord.product.upc,
                    "available": alert.stockrecord.net_stock_level,
                    "threshold": alert.stockrecord.low_stock_threshold,
                    "since": alert.date_created,
                }
                for alert in alerts
            ],
        }
        subject = " ".join(
            render_to_string("inventory/low_stock_digest_subject.txt", context).split()
        )
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("inventory/low_stock_digest_body.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=recipients,
        )
        message.attach_alternative(
            render_to_string("inventory/low_stock_digest_body.html", context), "text/html"
        )
        message.send()  # raises on failure: the claim is undone and next hour tries again
    return True


@shared_task
def release_expired_holds() -> int:
    """Delete the flash-sale holds past their time (they stopped counting when they expired:
    this only tidies up). Returns how many."""
    return holds.release_expired()
