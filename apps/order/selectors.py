"""Reads of orders for shoppers and staff."""

from dataclasses import dataclass

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
