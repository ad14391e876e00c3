"""Pickup times for a busy store: 500 open collect orders (300 booked in times over the week,
200 waiting without one). Median and p95 latency of listing the times a shopper is offered
(what checkout and GET /api/stores/{code}/slots/ do) and of booking one (rolled back), and the
queries each costs.

    .venv/bin/python bench/slots.py
"""

import datetime as dt
import time

from _setup import QueryCounter, percentiles, setup

setup()

from django.contrib.sites.models import Site  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from oscar.core.loading import get_model  # noqa: E402

from apps.checkout import slots  # noqa: E402
from apps.partner.models import Partner  # noqa: E402
from apps.stores import directory  # noqa: E402
from apps.stores.models import Location, OpeningHours, PickupSlot  # noqa: E402
from apps.stores.selectors import active_store  # noqa: E402

Order = get_model("order", "Order")
RUNS = 200
BOOKED, WAITING = 300, 200


def busy_store() -> Location:
    partner = Partner.objects.create(name="Omnishop Leeds", code="leeds")
    store = Location.objects.create(
        partner=partner, code="leeds", name="Omnishop Leeds", pickups_per_hour=20, slot_minutes=30
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(location=store, weekday=d, opens=dt.time(8), closes=dt.time(20))
        for d in range(7)
    )
    directory.changed()
    offered = slots.pickup_slots(active_store(store.pk))
    rows = PickupSlot.objects.bulk_create(
        PickupSlot(location=store, starts_at=s.starts_at, ends_at=s.ends_at) for s in offered
    )
    site, now = Site.objects.get_current(), timezone.now()
    Order.objects.bulk_create(
        Order(
            number=f"B{i:06d}",
            site=site,
            currency="GBP",
            total_incl_tax=10,
            total_excl_tax=10,
            shipping_incl_tax=0,
            shipping_excl_tax=0,
            status="Placed",
            pickup_location=store,
            pickup_slot=rows[i % len(rows)] if i < BOOKED else None,
            date_placed=now,
        )
        for i in range(BOOKED + WAITING)
    )
    return active_store(store.pk)


def timed(fn):
    samples, counter = [], QueryCounter()
    for _ in range(RUNS):
        with counter:
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1000)
    return (*percentiles(samples), counter.count / RUNS)


def book_and_roll_back(store, starts_at):
    with transaction.atomic():
        slots.book(store=store, starts_at=starts_at)
        transaction.set_rollback(True)


def main():
    store = busy_store()
    offered = slots.pickup_slots(store)
    print(
        f"store: {store.pickups_per_hour} orders an hour in {store.slot_minutes}-minute times, "
        f"{BOOKED} orders booked, {WAITING} waiting; {len(offered)} times offered over "
        f"{slots.settings.PICKUP_SLOT_DAYS} days"
    )
    for name, fn in (
        ("list the times", lambda: slots.pickup_slots(store)),
        ("book a time", lambda: book_and_roll_back(store, offered[-1].starts_at)),
    ):
        median, p95, queries = timed(fn)
        print(f"{name:15} median {median:6.2f} ms   p95 {p95:6.2f} ms   {queries:.0f} queries")


if __name__ == "__main__":
    main()
