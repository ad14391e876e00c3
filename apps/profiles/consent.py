"""A customer's consents: marketing by e-mail and by text, and personalisation (purchase
history used for recommendations). Off unless the customer said yes; each change is kept in a
history with its time and where it was given (checkout, till, account page, unsubscribe link).

Read with ``granted(user, "personalisation")``; change with ``record``."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .models import Consent, ConsentChange

EMAIL = Consent.EMAIL
SMS = Consent.SMS
PERSONALISATION = Consent.PERSONALISATION
CHANNELS: tuple[str, ...] = tuple(code for code, _label in Consent.CHANNELS)
SOURCES: tuple[str, ...] = tuple(code for code, _label in ConsentChange.SOURCES)


def _check_channel(channel: str) -> None:
    if channel not in CHANNELS:
        raise ValueError(f"Unknown consent channel {channel!r}: one of {', '.join(CHANNELS)}")


def granted(user, channel: str) -> bool:
    """Has this customer said yes to ``channel`` ("email", "sms" or "personalisation")?
    False for anonymous visitors, closed accounts and anyone who never answered."""
    _check_channel(channel)
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return Consent.objects.filter(user=user, channel=channel, granted=True).exists()


def current(user) -> dict[str, bool]:
    """Every channel's answer for this customer (False where none was given), in one query."""
    answers = dict.fromkeys(CHANNELS, False)
    if user is None or not getattr(user, "is_authenticated", False):
        return answers
    answers.update(Consent.objects.filter(user=user).values_list("channel", "granted"))
    return answers


@transaction.atomic
def record(*, user, channel: str, granted: bool, source: str) -> bool:
    """Set the customer's answer for ``channel``; a real change is written to the history with
    its ``source``. Returns whether anything changed (the same answer again records nothing)."""
    _check_channel(channel)
    if source not in SOURCES:
        raise ValueError(f"Unknown consent source {source!r}: one of {', '.join(SOURCES)}")
    now = timezone.now()
    consent, created = Consent.objects.select_for_update().get_or_create(
        user=user, channel=channel, defaults={"granted": bool(granted), "updated_at": now}
    )
    if not created:
        if consent.granted == bool(granted):
            return False
        consent.granted = bool(granted)
        consent.updated_at = now
        consent.save(update_fields=["granted", "updated_at"])
    elif not granted:
        return False  # "no" was already the answer: nothing to record
    ConsentChange.objects.create(
        user=user, channel=channel, granted=bool(granted), source=source, at=now
    )
    return True


def history(user):
    """The customer's consent changes, newest first."""
    return ConsentChange.objects.filter(user=user)
