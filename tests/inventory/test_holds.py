"""Flash-sale holds (docs/holds.md), at a frozen time: what a hold keeps for its shopper and from
everyone else, when it ends (on read, by the clock's job, at checkout), the limit per customer,
and that with the setting off nothing is held and no query is added."""

import datetime as dt
import os
import subprocess
import sys

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.apps.payment.exceptions import UnableToTakePayment

from apps.checkout import services as checkout
from apps.inventory import holds, services
from apps.inventory.models import BasketHold
from apps.inventory.selectors import availability, product_ids_available_at
from apps.inventory.tasks import release_expired_holds
from apps.shipping.methods import CollectInStore
from tests.api.conftest import api_client
from tests.factories import ProductFactory, UserFactory, stock

T0 = dt.datetime(2026, 12, 3, 14, 17, tzinfo=dt.UTC)  # 14:17 in London


@pytest.fixture
def sale(settings):
    settings.OMNISHOP_BASKET_HOLD_MINUTES = 15
    settings.OMNISHOP_HOLD_LIMIT_PER_CUSTOMER = 0
    return settings


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def basket_of(shop, units=1, owner=None):
    return checkout.fill_basket(
        owner=owner, quantities={shop["lamp"].pk: units}, location=shop["leeds"]
    )


def hold(shop, basket, units, user=None):
    (held,) = holds.hold(
        basket=basket, location=shop["leeds"], wanted={shop["lamp"].pk: units}, user=user
    )
    return held


def leeds_units(shop, holder=None) -> int:
    return availability(products=[shop["lamp"]], locations=[shop["leeds"]], holder=holder).at(
        shop["lamp"], shop["leeds"]
    )


def collect(shop, basket, user=None):
    return checkout.place_order(
        basket=basket,
        user=user,
        channel="web",
        location=shop["leeds"],
        shipping_method=CollectInStore(),
        pickup=checkout.Pickup(store=shop["leeds"], name="Ann Other"),
        guest_email="" if user else "ann@example.com",
    )


def test_held_units_count_against_everyone_else_but_not_the_holder(shop, sale, clock):
    mine = basket_of(shop, 2)

    held = hold(shop, mine, 2)

    assert (held.held, held.until) == (2, "14:32")
    assert held.message == "2 × Desk Lamp held for you at Omnishop Leeds until 14:32."
    assert leeds_units(shop) == 0  # everyone else
    assert leeds_units(shop, holder=mine) == 2  # the holder
    assert shop["lamp"].pk not in product_ids_available_at(shop["leeds"])
    with pytest.raises(services.InsufficientStock, match="Desk Lamp is no longer available"):
        collect(shop, basket_of(shop, 1))


def test_checkout_takes_the_held_units_and_ends_the_hold_in_the_same_transaction(shop, sale, clock):
    mine = basket_of(shop, 2)
    hold(shop, mine, 2)

    order = collect(shop, mine)

    assert order.lines.get().num_allocated == 2
    assert not BasketHold.objects.exists()
    assert leeds_units(shop) == 0  # allocated to the order now, not held twice


def test_a_declined_payment_keeps_the_hold(shop, sale, clock):
    sale.OMNISHOP_PAYMENT_GATEWAY = "apps.checkout.payment.DecliningTestGateway"
    mine = basket_of(shop, 2)
    hold(shop, mine, 2)

    with pytest.raises(UnableToTakePayment):
        collect(shop, mine)

    assert BasketHold.objects.get().quantity == 2
    assert leeds_units(shop) == 0


def test_an_expired_hold_counts_for_nobody_before_the_job_runs(shop, sale, clock):
    hold(shop, basket_of(shop, 2), 2)
    clock.shift(dt.timedelta(minutes=14, seconds=59))
    assert leeds_units(shop) == 0

    clock.shift(dt.timedelta(seconds=1))  # 14:32: over

    assert BasketHold.objects.count() == 1  # the job has not run
    assert leeds_units(shop) == 2
    assert shop["lamp"].pk in product_ids_available_at(shop["leeds"])
    assert collect(shop, basket_of(shop, 2)).lines.get().num_allocated == 2


def test_the_clock_job_deletes_only_the_holds_past_their_time(shop, sale, clock):
    first = basket_of(shop, 1)
    hold(shop, first, 1)
    clock.shift(dt.timedelta(minutes=10))
    second = basket_of(shop, 1)
    hold(shop, second, 1)
    clock.shift(dt.timedelta(minutes=6))  # the first ended a minute ago

    assert release_expired_holds() == 1

    assert list(BasketHold.objects.values_list("basket_id", flat=True)) == [second.pk]
    schedule = settings.CELERY_BEAT_SCHEDULE["release-expired-holds"]
    assert schedule["task"] == "apps.inventory.tasks.release_expired_holds"


def test_asking_for_more_than_is_free_holds_what_is_free_and_says_so(shop, sale, clock):
    hold(shop, basket_of(shop, 1), 1)  # someone else's
    mine = basket_of(shop, 3)

    held = hold(shop, mine, 3)

    assert (held.wanted, held.held) == (3, 1)
    assert held.message == (
        "Only 1 of Desk Lamp left at Omnishop Leeds: your basket has 1 (not 3), "
        "held for you until 14:32."
    )
    none = hold(shop, basket_of(shop, 1), 1)
    assert none.held == 0
    assert "sold out at Omnishop Leeds for now" in none.message
    assert "it was not added" in none.message


def test_adding_again_does_not_make_a_hold_last_longer(shop, sale, clock):
    mine = basket_of(shop, 1)
    hold(shop, mine, 1)
    clock.shift(dt.timedelta(minutes=10))

    held = hold(shop, mine, 2)

    assert (held.held, held.until) == (2, "14:32")


def test_changing_the_basket_cuts_lines_to_what_can_be_held(shop, sale, clock):
    mine = basket_of(shop, 1)
    hold(shop, mine, 1)
    hold(shop, basket_of(shop, 1), 1)  # the other lamp
    line = mine.all_lines()[0]
    line.quantity = 2
    line.save()

    (held,) = holds.hold_basket(basket=mine, location=shop["leeds"])

    assert (held.wanted, held.held) == (2, 1)
    assert mine.lines.get().quantity == 1


def test_changing_the_basket_leaves_a_product_the_store_has_none_of_for_delivery(shop, sale, clock):
    kettle = ProductFactory(title="Kettle")
    stock(shop["warehouse"], kettle, 5)  # none at Leeds
    mine = checkout.fill_basket(
        owner=None, quantities={shop["lamp"].pk: 1, kettle.pk: 2}, location=shop["leeds"]
    )

    outcomes = holds.hold_basket(basket=mine, location=shop["leeds"])

    assert [(h.title, h.held, h.stocked) for h in outcomes] == [
        ("Desk Lamp", 1, True),
        ("Kettle", 0, False),
    ]
    assert mine.lines.get(product=kettle).quantity == 2


def test_a_customer_holds_at_most_the_limit_of_a_product_across_baskets(shop, sale, clock):
    sale.OMNISHOP_HOLD_LIMIT_PER_CUSTOMER = 1
    services.receive(location=shop["leeds"], quantities={shop["lamp"].pk: 8})
    shopper = UserFactory()

    held = hold(shop, basket_of(shop, 3, owner=shopper), 3, user=shopper)
    again = hold(shop, basket_of(shop, 1, owner=shopper), 1, user=shopper)

    assert held.held == 1
    assert held.message == (
        "You can hold at most 1 of Desk Lamp in this sale: your basket has 1, held for you at "
        "Omnishop Leeds until 14:32."
    )
    assert again.held == 0
    assert again.message == (
        "You can hold at most 1 of Desk Lamp in this sale and already do: nothing more was added."
    )
    assert hold(shop, basket_of(shop, 1), 1).held == 1  # another customer is not limited by it


def test_with_the_setting_off_nothing_is_held_and_no_query_is_added(shop, settings, clock):
    settings.OMNISHOP_BASKET_HOLD_MINUTES = 0
    basket = basket_of(shop, 2)

    assert holds.hold(basket=basket, location=shop["leeds"], wanted={shop["lamp"].pk: 2}) == []
    assert not BasketHold.objects.exists()
    with CaptureQueriesContext(connection) as reads:
        assert leeds_units(shop) == 2
        services.lock_available(
            location=shop["leeds"], quantities={shop["lamp"].pk: 2}, holder=basket
        )
    assert len(reads) == 2
    assert not any("baskethold" in query["sql"] for query in reads.captured_queries)


def test_with_holds_on_availability_still_costs_one_query(shop, sale, clock):
    hold(shop, basket_of(shop, 1), 1)
    with CaptureQueriesContext(connection) as reads:
        assert leeds_units(shop) == 1
    assert len(reads) == 1


def hold_settings(**env) -> subprocess.CompletedProcess:
    """The shop's settings read in a process of their own with these variables."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.OMNISHOP_BASKET_HOLD_MINUTES, s.OMNISHOP_HOLD_LIMIT_PER_CUSTOMER)",
        ],
        env=clean,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


def test_the_sale_is_set_from_the_environment_and_a_bad_value_is_refused_by_name():
    assert hold_settings().stdout.split() == ["0", "0"]  # off by default
    assert hold_settings(BASKET_HOLD_MINUTES="15", HOLD_LIMIT_PER_CUSTOMER="2").stdout.split() == [
        "15",
        "2",
    ]
    refused = hold_settings(BASKET_HOLD_MINUTES="-5")
    assert refused.returncode != 0
    assert "BASKET_HOLD_MINUTES must be 0 (off) to 10000, not -5." in refused.stderr


def test_an_app_checkout_of_units_held_in_a_web_basket_is_refused(shop, sale, clock):
    hold(shop, basket_of(shop, 2), 2)
    body = {"store": "leeds", "lines": [{"upc": "LAMP-1", "quantity": 1}]}

    response = api_client(UserFactory()).post("/api/checkout/collect/", body, format="json")

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "insufficient_stock"
