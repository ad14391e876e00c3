"""Pickup times a store can keep.

A store that says how many collect orders it picks an hour (``pickups_per_hour``) offers
shoppers pickup times: its pickup windows (or its opening hours), in its own time zone, cut
into slots of ``slot_minutes``, from the earliest an order placed now could be ready (the
picking lead time, counted in open hours) and never on a closed day. Each slot holds what the
store picks in that time. Orders already booked in a slot take its places; orders waiting
without a time (placed before the store offered times, or through a channel that sends none)
are picked first: what the store cannot pick of them within the lead time takes places in the
earliest slots.

Booking locks the slot's row (made by its first booking) and counts again under the lock, in
the checkout's own transaction, so two shoppers cannot both take the last place.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from oscar.core.loading import get_model

from apps.order import statuses
from apps.stores.hours import pickup_periods, ready_time
from apps.stores.models import Location, PickupSlot

Order = get_model("order", "Order")


class SlotUnavailable(Exception):
    """The pickup time asked for is not offered (full, past, or not one of the store's)."""


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime  # store time
    ends_at: dt.datetime
    places: int
    taken: int

    @property
    def places_left(self) -> int:
        return max(0, self.places - self.taken)


def offers_slots(store: Location) -> bool:
    return bool(store.click_and_collect and store.pickups_per_hour)


def places_per_slot(store: Location) -> int:
    return max(1, store.pickups_per_hour * store.slot_minutes // 60)


def pickup_slots(store: Location, *, now: dt.datetime | None = None, days: int | None = None):
    """The pickup times a shopper can choose now at this store, earliest first, full ones
    left out."""
    return pickup_slots_at([store], now=now, days=days).get(store.pk, [])


def pickup_slots_at(stores, *, now: dt.datetime | None = None, days: int | None = None):
    """``pickup_slots`` of several stores in two queries, whatever their number: {store id:
    times} for the stores that offer times."""
    now = now or timezone.now()
    days = days or settings.PICKUP_SLOT_DAYS
    times = {s.pk: _times(s, now, days) for s in stores if offers_slots(s)}
    times = {pk: t for pk, t in times.items() if t}
    if not times:
        return {}
    first = min(t[0][0] for t in times.values())
    last = max(t[-1][0] for t in times.values())
    booked, waiting = _taken(list(times), first, last)
    return {
        store.pk: _open(store, times[store.pk], booked, waiting.get(store.pk, 0))
        for store in stores
        if store.pk in times
    }


def _open(store: Location, times, booked: dict, waiting: int) -> list[Slot]:
    # The store picks the waiting orders first: what it can't within the lead time fills the
    # earliest slots.
    waiting = max(0, waiting - store.pickups_per_hour * store.lead_time_minutes // 60)
    places, slots = places_per_slot(store), []
    for starts, ends in times:
        taken = booked.get((store.pk, starts), 0)
        queued = min(max(0, places - taken), waiting)
        waiting -= queued
        if taken + queued < places:
            slots.append(Slot(starts, ends, places, taken + queued))
    return slots


def _times(store: Location, now: dt.datetime, days: int) -> list[tuple[dt.datetime, dt.datetime]]:
    """Every slot's start and end from the earliest ready time on (store time, wall clock: a
    10:00 slot stays at 10:00 across a change of the clocks)."""
    earliest = ready_time(store, now)
    if earliest is None:
        return []
    step = dt.timedelta(minutes=store.slot_minutes)
    times = []
    for opens, closes in pickup_periods(store, now, days):
        starts = opens
        while starts + step <= closes:
            if starts >= earliest and _exists(starts):
                times.append((starts, starts + step))
            starts += step
    return times


def _exists(moment: dt.datetime) -> bool:
    """False for a wall-clock time the clocks skip (01:30 when they go forward at 01:00)."""
    there_and_back = moment.astimezone(dt.UTC).astimezone(moment.tzinfo)
    return there_and_back.replace(tzinfo=None) == moment.replace(tzinfo=None)


def _taken(store_ids: list[int], first: dt.datetime, last: dt.datetime):
    """Orders booked in each slot from ``first`` to ``last`` ({(store id, start): n}), and
    orders waiting to be picked without a time ({store id: n}): two queries, each on an index,
    however long the stores' history of orders."""
    booked = {
        (location_id, starts_at): n
        for location_id, starts_at, n in PickupSlot.objects.filter(
            location_id__in=store_ids, starts_at__gte=first, starts_at__lte=last
        )
        .annotate(n=Count("orders", filter=~Q(orders__status=statuses.CANCELLED)))
        .values_list("location_id", "starts_at", "n")
    }
    waiting = dict(
        Order.objects.filter(
            pickup_location_id__in=store_ids,
            status__in=(statuses.PLACED, statuses.PICKING),
            pickup_slot__isnull=True,
        )
        .order_by()
        .values("pickup_location_id")
        .annotate(n=Count("pk"))
        .values_list("pickup_location_id", "n")
    )
    return booked, waiting


def book(*, store: Location, starts_at: dt.datetime, now: dt.datetime | None = None):
    """The slot starting at ``starts_at`` with a place for one more order, locked until the
    caller's transaction ends (place the order in it before then). Raises SlotUnavailable."""
    now = now or timezone.now()
    ends_at = dict(_times(store, now, settings.PICKUP_SLOT_DAYS)).get(starts_at)
    if ends_at is None or not offers_slots(store):
        raise SlotUnavailable(_unavailable(store, starts_at))
    slot, _ = PickupSlot.objects.get_or_create(
        location=store, starts_at=starts_at, defaults={"ends_at": ends_at}
    )
    slot = PickupSlot.objects.select_for_update().get(pk=slot.pk)
    # Counted under the lock: a shopper who waited for it sees the place just taken.
    if _find(pickup_slots(store, now=now), starts_at) is None:
        raise SlotUnavailable(_unavailable(store, starts_at))
    return slot


def _find(slots: list[Slot], starts_at: dt.datetime) -> Slot | None:
    return next((s for s in slots if s.starts_at == starts_at), None)


def _unavailable(store: Location, starts_at: dt.datetime) -> str:
    local = starts_at.astimezone(zoneinfo.ZoneInfo(store.timezone))
    return (
        f"{store.name} can no longer take an order for pickup at {local:%H:%M} on "
        f"{local:%A %-d %B}: choose another time."
    )
