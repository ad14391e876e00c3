"""Reads for operations: the newest heartbeat, the dead letters to show."""

import datetime as dt

from django.db.models import Max, QuerySet

from .models import DeadLetter, Heartbeat


def last_heartbeat() -> dt.datetime | None:
    return Heartbeat.objects.aggregate(last=Max("beat_at"))["last"]


def dead_letters(*, state: str = "open") -> QuerySet[DeadLetter]:
    """``open`` (not sent again nor dismissed), ``resolved`` or ``all``, newest first."""
    letters = DeadLetter.objects.select_related("retried_by", "resolved_by")
    if state == "open":
        return letters.filter(resolved_at__isnull=True)
    if state == "resolved":
        return letters.filter(resolved_at__isnull=False)
    return letters.all()
