"""A fortnight at two stores, written so that no figure is trivial (hand-computed in the tests):

Leeds (lead time and hours as the factory makes them; each promise set by hand):
  A  placed Mon 2 Nov 10:00, promised 12:00, ready 11:20 (40 min early), "I'm here" Wed 14:00,
     handed over 14:07 (7 min at the counter); customer a buys at the till at 14:20 (attached)
  B  placed Tue 3 Nov 09:00, promised 11:00, ready 10:50 (10 min early), handed over Thu 5 Nov
     16:00 without "I'm here"; customer b buys at the till at 16:45 (45 min: not attached)
  C  placed Wed 4 Nov 12:00, promised 14:00, ready 14:15 (15 min late), never collected
  D  placed Mon 9 Nov 10:00 and cancelled before picking
  E  placed Tue 10 Nov 10:00, promised 12:00, ready 13:30 (90 min late), still waiting
  a till sale to nobody in particular on Fri 13 Nov
York:
  F  customer y, placed Mon 2 Nov 11:00, promised 13:00, ready 13:00 (on the dot), "I'm here"
     Tue 3 Nov 10:00, handed over 10:01; y bought at York's till at 09:50 (11 min before: attached)
  G  a guest, placed Tue 3 Nov 12:00, promised 14:00, ready 17:20 (200 min late), "I'm here"
     Wed 4 Nov 09:00, handed over 09:25 (25 min at the counter)
Deliveries: one on Thu 5 Nov, two on Wed 11 Nov.
Storefront steps: Leeds 9 views and 4 additions, York 3 views and 1 addition in the span; one
view at Leeds the day before it (not counted).
"""

import datetime as dt

import pytest
import time_machine
from oscar.core.loading import get_model

from apps.instore import services as instore
from apps.journey import services as journey
from apps.journey.models import StepCount
from apps.pickup import services as pickup
from apps.pickup.selectors import collect_by
from apps.stores.models import StoreStaff
from tests.conftest import LONDON
from tests.factories import OrderFactory, StoreStaffFactory, UserFactory, pick_all, stock

Order = get_model("order", "Order")
START, END = dt.date(2026, 11, 2), dt.date(2026, 11, 15)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=LONDON)


def collect_order(store, user, placed, promised, *, staff, ready=None, arrived=None, handed=None):
    with time_machine.travel(placed, tick=False):
        order = OrderFactory(store=store, user=user, lines={store.lamp: 1})
    Order.objects.filter(pk=order.pk).update(ready_by=promised)
    if ready is not None:
        with time_machine.travel(ready, tick=False):
            pickup.start_picking(order=order, by=staff)
            pick_all(order, staff)
            pickup.mark_ready(order=order, by=staff)
    if arrived is not None:
        with time_machine.travel(arrived, tick=False):
            pickup.announce_arrival(
                order=order, by=user, verification_hash=order.verification_hash()
            )
    if handed is not None:
        with time_machine.travel(handed, tick=False):
            order.refresh_from_db()
            pickup.hand_over(order=order, by=staff, code=order.pickup_code)
    return Order.objects.get(pk=order.pk)


def till_sale(store, customer, when, *, staff):
    with time_machine.travel(when, tick=False):
        return instore.sell(
            location=store, quantities={store.lamp.pk: 1}, by=staff, customer=customer
        )


def steps(store, kind, n, day):
    for _ in range(n):
        journey.count_step(
            kind=kind, location_id=store.pk, product_id=store.lamp.pk, when=at(day, 12)
        )


@pytest.fixture
def fortnight(shop):
    leeds, york, lamp = shop["leeds"], shop["york"], shop["lamp"]
    journey.forget_counted()  # steps counted by other tests' pages (their rows rolled back)
    leeds.lamp = york.lamp = lamp
    stock(leeds, lamp, 30)
    stock(york, lamp, 30)
    staff = {
        s: StoreStaffFactory(location=s, role=StoreStaff.Role.MANAGER).user for s in (leeds, york)
    }
    a, b, y = UserFactory(), UserFactory(), UserFactory()

    orders = {
        "A": collect_order(
            leeds,
            a,
            at(2, 10),
            at(2, 12),
            staff=staff[leeds],
            ready=at(2, 11, 20),
            arrived=at(4, 14),
            handed=at(4, 14, 7),
        ),
        "B": collect_order(
            leeds,
            b,
            at(3, 9),
            at(3, 11),
            staff=staff[leeds],
            ready=at(3, 10, 50),
            handed=at(5, 16),
        ),
        "C": collect_order(
            leeds, None, at(4, 12), at(4, 14), staff=staff[leeds], ready=at(4, 14, 15)
        ),
        "E": collect_order(
            leeds, None, at(10, 10), at(10, 12), staff=staff[leeds], ready=at(10, 13, 30)
        ),
        "F": collect_order(
            york,
            y,
            at(2, 11),
            at(2, 13),
            staff=staff[york],
            ready=at(2, 13),
            arrived=at(3, 10),
            handed=at(3, 10, 1),
        ),
        "G": collect_order(
            york,
            None,
            at(3, 12),
            at(3, 14),
            staff=staff[york],
            ready=at(3, 17, 20),
            arrived=at(4, 9),
            handed=at(4, 9, 25),
        ),
    }
    with time_machine.travel(at(9, 10), tick=False):
        orders["D"] = OrderFactory(store=leeds, lines={lamp: 1}, status="Cancelled")
    due = collect_by(orders["C"])
    with time_machine.travel(due + dt.timedelta(minutes=1), tick=False):
        pickup.mark_not_collected(order=orders["C"])

    till_sale(leeds, a, at(4, 14, 20), staff=staff[leeds])
    till_sale(leeds, b, at(5, 16, 45), staff=staff[leeds])
    till_sale(leeds, None, at(13, 11), staff=staff[leeds])
    till_sale(york, y, at(3, 9, 50), staff=staff[york])

    for when in (at(5, 15), at(11, 9), at(11, 17)):
        with time_machine.travel(when, tick=False):
            OrderFactory(delivery=True, lines={lamp: 1})

    steps(leeds, StepCount.Kind.VIEWED, 6, 2)
    steps(leeds, StepCount.Kind.VIEWED, 3, 10)
    steps(leeds, StepCount.Kind.ADDED, 4, 10)
    steps(york, StepCount.Kind.VIEWED, 3, 3)
    steps(york, StepCount.Kind.ADDED, 1, 3)
    steps(leeds, StepCount.Kind.VIEWED, 1, 1)  # the day before the span
    journey.write_counted()
    return {"orders": orders, "leeds": leeds, "york": york}
