"""Reads of orders for shoppers and staff."""

from dataclasses import dataclass

from django.db.models import Q

from apps.profiles import phones

from . import statuses

PICKUP_STEPS = (statuses.PLACED, statuses.PICKING, statuses.READY, statuses.COLLECTED)
#: The step a ship-to-store order adds: what the store lacked has arrived there.
ARRIVED = "Arrived at the store"


@dataclass(frozen=True)
class TimelineStep:
    label: str
    at: object  # datetime or None
    done: bool


def pickup_progress(order) -> list[TimelineStep]:
    """The shopper's view of a pickup: placed, (for one sent to the store: arrived at the
    store,) picking, ready, collected, and when each happened (None while still to come)."""
    reached = {statuses.PLACED: order.date_placed}
    shipped = order.status == statuses.AWAITING_TRANSFER
    for change in sorted(order.status_changes.all(), key=lambda c: c.date_created):
        if change.old_status == statuses.AWAITING_TRANSFER:
            shipped = True
            if change.new_status == statuses.PLACED:  # not when cancelled on the way
                reached.setdefault(ARRIVED, change.date_created)
        reached.setdefault(change.new_status, change.date_created)
    steps = (PICKUP_STEPS[0], ARRIVED, *PICKUP_STEPS[1:]) if shipped else PICKUP_STEPS
    return [TimelineStep(step, reached.get(step), step in reached) for step in steps]


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


def order_history(order) -> list[dict]:
    """Everything that happened to an order in the stores, oldest first: placed, each pickup
    step, its sale at a till, each counter return; with who did it. (The pickup and in-store
    apps' rows are read through the order's own relations.)"""

    def who(user):
        return (user.get_full_name() or user.email) if user else None

    placed = f"Placed ({order.get_channel_display()})"
    steps = [{"at": order.date_placed, "kind": "placed", "label": placed, "by": None}]
    for event in order.pickup_events.select_related("user", "line"):
        steps.append(
            {
                "at": event.created_at,
                "kind": event.kind,
                "label": event.get_kind_display(),
                "by": who(event.user),
                "line": event.line_id,
                "line_title": event.line.title if event.line else "",
                "quantity": event.quantity,
                "refund": event.refund,
                "detail": event.detail,
            }
        )
    sale = getattr(order, "till_sale", None)
    if sale is not None:
        steps.append(
            {
                "at": sale.created_at,
                "kind": "sold",
                "label": "Sold at the till",
                "by": who(sale.user),
                "detail": {"store": sale.location.code, "store_name": sale.location.name},
            }
        )
    for item in order.counter_returns.select_related("user", "location", "line"):
        steps.append(
            {
                "at": item.created_at,
                "kind": "returned",
                "label": "Returned at the counter",
                "by": who(item.user),
                "line": item.line_id,
                "line_title": item.line.title,
                "quantity": item.quantity,
                "refund": item.refund,
                "detail": {
                    "store": item.location.code,
                    "store_name": item.location.name,
                    "damaged": item.damaged,
                    "reason": item.reason,
                },
            }
        )
    return sorted(steps, key=lambda step: step["at"])
