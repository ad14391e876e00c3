"""Reads of orders for shoppers and staff."""

from dataclasses import dataclass

from django.db.models import Q

from apps.profiles import phones

from . import statuses

PICKUP_STEPS = (statuses.PLACED, statuses.PICKING, statuses.READY, statuses.COLLECTED)


@dataclass(frozen=True)
class TimelineStep:
    label: str
    at: object  # datetime or None
    done: bool


def pickup_timeline(order) -> list[TimelineStep]:
    """Placed, picking, ready, collected: when each happened (None while still to come)."""
    reached = {statuses.PLACED: order.date_placed}
    for change in sorted(order.status_changes.all(), key=lambda c: c.date_created):
        reached.setdefault(change.new_status, change.date_created)
    return [TimelineStep(step, reached.get(step), step in reached) for step in PICKUP_STEPS]


def phone_matches(text: str) -> Q:
    """Orders whose collector, account holder or delivery address has this phone, however it
    was typed; an empty Q (adds nothing to an OR) when the text is not a phone number."""
    phone = phones.normalise(text)
    if not phone:
        return Q()
    return (
        Q(pickup_phone=phone)
        | Q(user__profile__phone=phone)
        | Q(shipping_address__phone_number=phone)
    )
