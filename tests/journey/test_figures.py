"""The journey figures of the seeded fortnight (``conftest``) equal the values worked out by
hand, for one store and for the whole shop, in a fixed number of queries."""

import datetime as dt
from decimal import Decimal

from apps.journey import selectors as journey
from apps.journey.selectors import Funnel

from .conftest import END, START


def test_the_funnel_and_the_channel_mix_of_a_store_and_of_the_shop(
    fortnight, django_assert_max_num_queries
):
    leeds = journey.journey_figures(store=fortnight["leeds"], start=START, end=END)
    assert leeds.funnel == Funnel(
        viewed=9, added=4, checkouts=5, ready=4, collected=2, not_collected=1, cancelled=1
    )
    assert [(w.delivery, w.collect, w.till) for w in leeds.weeks] == [(None, 3, 2), (None, 2, 1)]
    with django_assert_max_num_queries(7):  # whatever the span and the number of stores
        shop = journey.journey_figures(store=None, start=START, end=END)
    assert shop.funnel == Funnel(
        viewed=12, added=5, checkouts=7, ready=6, collected=4, not_collected=1, cancelled=1
    )
    assert [(w.start, w.delivery, w.collect, w.till) for w in shop.weeks] == [
        (dt.date(2026, 11, 2), 1, 5, 3),
        (dt.date(2026, 11, 9), 2, 2, 1),
    ]
    first_week = journey.journey_figures(store=None, start=START, end=dt.date(2026, 11, 8))
    assert (first_week.funnel.viewed, first_week.funnel.added) == (9, 1)
    assert (first_week.funnel.checkouts, first_week.funnel.collected) == (5, 4)


def test_ready_time_time_at_the_counter_and_attach_rate(fortnight):
    leeds = journey.journey_figures(store=fortnight["leeds"], start=START, end=END)
    shop = journey.journey_figures(store=None, start=START, end=END)

    # Ready against the promise: Leeds -40, -10, +15, +90 min; York 0 and +200.
    assert leeds.ready.counts == [1, 1, 1, 1, 0]
    assert (leeds.on_time, leeds.on_time_percent, leeds.ready.median) == (2, 50.0, 2.5)
    assert shop.ready.counts == [1, 2, 1, 1, 1]
    assert (shop.on_time, shop.ready.measured, shop.ready.median) == (3, 6, 7.5)

    # "I'm here" to handover: Leeds 7 min (B never said it); York 1 and 25 min.
    assert (leeds.counter.counts, leeds.counter.median, leeds.counter.measured) == (
        [0, 0, 1, 0, 0],
        7.0,
        1,
    )
    assert (shop.counter.counts, shop.counter.median) == ([1, 0, 1, 0, 1], 7.0)

    # Attach: a buys 13 min after collecting (yes), b 45 min after (no), y 11 min before
    # (yes), G is a guest (not matchable).
    price = fortnight["orders"]["A"].total_incl_tax  # the till sells one lamp at that price
    assert price > Decimal("0")
    a = leeds.attach
    assert (a.collections, a.known_customer, a.attached) == (2, 2, 1)
    assert (a.rate_percent, a.attached_sales) == (50.0, price)
    a = shop.attach
    assert (a.collections, a.known_customer, a.attached) == (4, 3, 2)
    assert (a.rate_percent, a.attached_sales) == (66.7, price * 2)
