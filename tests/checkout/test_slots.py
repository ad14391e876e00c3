"""Pickup times from a store's real capacity: only what its picking rate, its queue and its
hours allow, in its own time zone across a change of the clocks, never on a closed day, and
never more orders in a time than it has places (real concurrent checkouts on PostgreSQL)."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from oscar.core.loading import get_model

from apps.checkout import slots
from apps.checkout.services import CheckoutRefused, place_collect_order
from apps.order import statuses
from apps.stores.models import ClosedDay, PickupWindow
from tests.checkout.conftest import (
    add_to_basket,
    choose_collect,
    place_order,
    start_guest_checkout,
)
from tests.factories import (
    LocationFactory,
    OrderFactory,
    ProductFactory,
    StoreFactory,
    UserFactory,
    stock,
)
from tests.races import race

LONDON = zoneinfo.ZoneInfo("Europe/London")
UTC = dt.UTC
Order = get_model("order", "Order")


def london(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


@pytest.fixture
def leeds(db):
    """Open 09:00-17:30 every day; picks 2 orders an hour in hour-long times, an hour's lead."""
    return StoreFactory(
        code="leeds", name="Omnishop Leeds", pickups_per_hour=2, lead_time_minutes=60
    )


def starts(store, **kwargs) -> list[dt.datetime]:
    return [s.starts_at for s in slots.pickup_slots(store, **kwargs)]


# --- the clock ---------------------------------------------------------------------------------

SATURDAY_BEFORE_SPRING = dt.date(2026, 3, 28)  # the clocks go forward at 01:00 on Sunday 29th
SATURDAY_BEFORE_AUTUMN = dt.date(2026, 10, 24)  # and back at 02:00 on Sunday 25 October


def test_times_start_after_the_lead_time_and_keep_to_opening_hours(leeds):
    now = london(dt.date(2026, 11, 25), 10, 20)  # a Wednesday
    times = starts(leeds, now=now, days=2)
    # Ready at 11:20 at the earliest: the first whole hour after it; the last ends by closing.
    today = [london(now.date(), hour) for hour in (12, 13, 14, 15, 16)]
    assert times[:5] == today and times[5] == london(now.date() + dt.timedelta(days=1), 9)
    assert len(times) == 5 + 8


def test_a_ten_oclock_time_stays_at_ten_when_the_clocks_go_forward(leeds):
    now = london(SATURDAY_BEFORE_SPRING, 17, 45)  # closed: Sunday is the next day with times
    sunday = starts(leeds, now=now, days=2)[0]
    assert sunday.astimezone(LONDON).replace(tzinfo=None) == dt.datetime(2026, 3, 29, 10)
    assert sunday.astimezone(UTC).hour == 9  # summer time: an hour ahead of UTC
    saturday = starts(leeds, now=london(SATURDAY_BEFORE_SPRING, 8), days=1)[0]
    assert saturday.astimezone(UTC).hour == 10  # winter time (opens 09:00, an hour's lead)


@pytest.fixture
def night_store(db):
    """Open round the clock; collections on Sunday nights only, 00:00-03:00."""
    store = StoreFactory(
        code="night",
        pickups_per_hour=2,
        lead_time_minutes=60,
        hours=dict.fromkeys(range(7), ("00:00", "23:59")),
    )
    PickupWindow.objects.create(location=store, weekday=6, starts=dt.time(0), ends=dt.time(3))
    return store


def test_a_time_the_clocks_skip_is_not_offered(night_store):
    now = london(SATURDAY_BEFORE_SPRING, 20)
    sunday = [t.astimezone(LONDON) for t in starts(night_store, now=now, days=2)]
    # 01:00-02:00 does not exist that night: the hour-long times are 00:00 and 02:00 only.
    assert [t.strftime("%H:%M %Z") for t in sunday] == ["00:00 GMT", "02:00 BST"]


def test_the_night_the_clocks_go_back_keeps_its_wall_clock_times(night_store):
    now = london(SATURDAY_BEFORE_AUTUMN, 20)
    sunday = [t.astimezone(LONDON) for t in starts(night_store, now=now, days=2)]
    assert [t.strftime("%H:%M %Z") for t in sunday] == ["00:00 BST", "01:00 BST", "02:00 GMT"]


def test_pickup_windows_replace_the_opening_hours_on_their_days(leeds):
    for window in ((10, 12), (16, 17)):
        PickupWindow.objects.create(
            location=leeds, weekday=2, starts=dt.time(window[0]), ends=dt.time(window[1])
        )
    wednesday = dt.date(2026, 11, 25)
    times = starts(leeds, now=london(wednesday, 7), days=1)
    assert times == [london(wednesday, 10), london(wednesday, 11), london(wednesday, 16)]


def test_a_closed_day_offers_no_times(leeds):
    wednesday = dt.date(2026, 11, 25)
    ClosedDay.objects.create(location=leeds, date=wednesday, reason="Stocktake")
    times = starts(leeds, now=london(wednesday, 7), days=2)
    assert {t.astimezone(LONDON).date() for t in times} == {wednesday + dt.timedelta(days=1)}


def test_a_store_without_a_picking_rate_offers_no_times(db):
    store = StoreFactory(code="york", pickups_per_hour=None)
    assert slots.pickup_slots(store) == []


# --- capacity ----------------------------------------------------------------------------------

WEDNESDAY_7AM = london(dt.date(2026, 11, 25), 7)


@pytest.fixture
def lamp(leeds):
    lamp = ProductFactory(title="Desk Lamp")
    stock(LocationFactory(code="web", kind="warehouse"), lamp, 5)  # its price
    stock(leeds, lamp, 100)
    return lamp


def collect(store, product, slot=None, user=None):
    order, _ = place_collect_order(
        user=user or UserFactory(),
        store=store,
        quantities={product.pk: 1},
        collector_name="Ann Other",
        slot=slot,
    )
    return order


@time_machine.travel(WEDNESDAY_7AM, tick=False)
def test_an_order_keeps_its_time_and_a_full_time_is_not_offered(leeds, lamp):
    ten = london(WEDNESDAY_7AM.date(), 10)
    assert slots.pickup_slots(leeds)[0].places_left == 2
    first = collect(leeds, lamp, slot=ten)
    assert first.ready_by == ten and first.pickup_slot.starts_at == ten
    assert slots.pickup_slots(leeds)[0].places_left == 1
    collect(leeds, lamp, slot=ten)
    assert ten not in starts(leeds)
    with pytest.raises(CheckoutRefused, match="no longer take an order for pickup at 10:00"):
        collect(leeds, lamp, slot=ten)
    assert Order.objects.filter(pickup_slot__starts_at=ten).count() == 2


@time_machine.travel(WEDNESDAY_7AM, tick=False)
def test_a_cancelled_order_gives_its_place_back(leeds, lamp):
    ten = london(WEDNESDAY_7AM.date(), 10)
    for _ in range(2):
        collect(leeds, lamp, slot=ten)
    Order.objects.filter(pickup_slot__starts_at=ten).first().set_status(statuses.CANCELLED)
    assert slots.pickup_slots(leeds)[0].starts_at == ten


@time_machine.travel(WEDNESDAY_7AM, tick=False)
def test_a_time_that_is_not_one_of_the_stores_is_refused(leeds, lamp):
    for wrong in (london(WEDNESDAY_7AM.date(), 10, 30), london(WEDNESDAY_7AM.date(), 6)):
        with pytest.raises(CheckoutRefused):
            collect(leeds, lamp, slot=wrong)
    assert not Order.objects.exists()


@time_machine.travel(WEDNESDAY_7AM, tick=False)
def test_orders_waiting_without_a_time_fill_the_earliest_times(leeds, lamp):
    # 5 orders to pick, no time chosen; the store picks 2 of them within its hour's lead time,
    # the other 3 take the 10:00 time's 2 places and one of 11:00's.
    for _ in range(5):
        OrderFactory(store=leeds, lines={lamp: 1})
    offered = slots.pickup_slots(leeds)
    assert offered[0].starts_at == london(WEDNESDAY_7AM.date(), 11)
    assert offered[0].places_left == 1 and offered[1].places_left == 2


# --- the doors ---------------------------------------------------------------------------------


@time_machine.travel(WEDNESDAY_7AM, tick=False)
def test_the_api_lists_times_and_the_collect_checkout_books_one(leeds, lamp, client):
    answer = client.get(reverse("api:store-slots", args=["leeds"]), {"days": 1})
    assert answer.status_code == 200
    first = answer.json()[0]
    assert first["places_left"] == 2 and first["starts_at"].startswith("2026-11-25T10:00")
    client.force_login(UserFactory())
    body = {"store": "leeds", "lines": [{"product": lamp.pk}], "pickup_slot": first["starts_at"]}
    for _ in range(2):
        placed = client.post(reverse("api:checkout-collect"), body, content_type="application/json")
        assert placed.status_code == 201, placed.content
    assert dt.datetime.fromisoformat(placed.json()["ready_by"]) == london(WEDNESDAY_7AM.date(), 10)
    full = client.post(reverse("api:checkout-collect"), body, content_type="application/json")
    assert full.status_code == 422 and "choose another time" in full.content.decode()
    later = client.get(reverse("api:store-slots", args=["leeds"]), {"days": 1}).json()
    assert later[0]["starts_at"].startswith("2026-11-25T11:00")


def test_the_api_says_why_a_days_value_is_refused(leeds, client):
    answer = client.get(reverse("api:store-slots", args=["leeds"]), {"days": 99})
    assert answer.status_code == 400 and "days" in answer.content.decode()


# --- the race ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@time_machine.travel(WEDNESDAY_7AM, tick=True)
def test_twenty_checkouts_for_a_time_with_five_places_place_five_orders(postgres):
    store = StoreFactory(code="leeds", name="Omnishop Leeds", pickups_per_hour=5)
    lamp = ProductFactory(title="Desk Lamp")
    stock(LocationFactory(code="web", kind="warehouse"), lamp, 0)
    stock(store, lamp, 100)
    shoppers = [UserFactory() for _ in range(20)]
    when = slots.pickup_slots(store)[0].starts_at

    outcomes = race(
        20,
        lambda i: collect(store, lamp, slot=when, user=shoppers[i]),
        refusals={CheckoutRefused: "full"},
    )

    assert outcomes.count("ok") == 5 and outcomes.count("full") == 15
    assert Order.objects.filter(pickup_slot__starts_at=when).count() == 5
    assert Order.objects.count() == 5  # the refused ones left nothing behind


@time_machine.travel(WEDNESDAY_7AM, tick=False)
def test_a_web_shopper_chooses_a_pickup_time_and_the_order_keeps_it(leeds, lamp, client):
    add_to_basket(client, lamp)
    start_guest_checkout(client)
    page = client.get(reverse("checkout:fulfilment")).content.decode()
    assert 'name="time_leeds"' in page and "Wed 25 Nov, 10:00–11:00" in page
    no_time = choose_collect(client, "leeds")
    assert "Choose when you will collect from Omnishop Leeds" in no_time.content.decode()
    eleven = london(WEDNESDAY_7AM.date(), 11)
    chosen = client.post(
        reverse("checkout:fulfilment"),
        {"method": "collect", "store": "leeds", "name": "Ann Other", "time_leeds": eleven},
    )
    assert chosen.status_code == 302
    assert "11:00" in client.get(reverse("checkout:preview")).content.decode()
    assert place_order(client)["Location"] == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert order.ready_by == eleven and order.pickup_slot.starts_at == eleven


@time_machine.travel(WEDNESDAY_7AM, tick=False)
def test_the_api_refuses_a_pickup_time_out_of_any_stores_range(leeds, lamp, client):
    client.force_login(UserFactory())
    for when in ("0001-01-01T00:00:00+05:00", "9999-12-31T23:59:00-05:00"):
        body = {"store": "leeds", "lines": [{"product": lamp.pk}], "pickup_slot": when}
        answer = client.post(reverse("api:checkout-collect"), body, content_type="application/json")
        assert answer.status_code == 422, answer.content  # well formed, no such time
        assert answer.json()["errors"][0]["attr"] == "pickup_slot"
    assert not Order.objects.exists()
