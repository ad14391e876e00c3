"""Celery beat's pickup jobs: thin wrappers around the pickup services."""

import logging

from celery import shared_task
from django.utils import timezone

from . import selectors, services, substitutions

logger = logging.getLogger(__name__)


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
def expire_substitutions() -> int:
    """Close the substitutes offered to shoppers who did not answer in time."""
    return substitutions.expire_due()
