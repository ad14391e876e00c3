"""Tills racing on PostgreSQL, each paid in cash or card: never more sold than the shelf
holds, a refused sale leaves neither an order nor a tender behind."""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from oscar.core.loading import get_model

from apps.checkout.services import place_collect_order
from apps.instore import services
from apps.instore.models import TillSale
from apps.inventory.selectors import availability, ledger_drift
from apps.inventory.services import InsufficientStock
from tests.factories import ProductFactory, StoreStaffFactory, UserFactory, stock
from tests.inventory.test_concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)

Order = get_model("order", "Order")
TILLS = 8


def test_tills_racing_for_the_last_units_sell_exactly_what_is_left(postgres, shop):
    staff = [StoreStaffFactory(location=shop["leeds"]).user for _ in range(TILLS)]
    lamp = shop["lamp"]  # 2 on the Leeds shelves

    def sell(i):
        tender = (
            services.Tender(method="cash", amount=Decimal("50"))
            if i % 2
            else services.Tender(method="card", card_reference=f"T-{i}")
        )
        services.sell(location=shop["leeds"], quantities={lamp.pk: 1}, by=staff[i], tender=tender)

    outcomes = race(TILLS, sell)

    assert outcomes.count("ok") == 2 and outcomes.count("refused") == TILLS - 2
    assert Order.objects.filter(channel="store").count() == TillSale.objects.count() == 2
    assert availability(products=[lamp], locations=[shop["leeds"]]).at(lamp, shop["leeds"]) == 0
    assert list(ledger_drift()) == []


def test_a_till_and_the_app_racing_for_the_last_unit_get_one_order(postgres, shop):
    lamp = ProductFactory(title="Last Lamp", upc="LAST-1")
    stock(shop["warehouse"], lamp, 5)
    stock(shop["leeds"], lamp, 1)
    staff = StoreStaffFactory(location=shop["leeds"]).user
    shopper = UserFactory()

    def buy(i):
        if i % 2:
            services.sell(
                location=shop["leeds"],
                quantities={lamp.pk: 1},
                by=staff,
                tender=services.Tender(method="cash", amount=Decimal("10")),
            )
        else:
            place_collect_order(
                user=shopper, store=shop["leeds"], quantities={lamp.pk: 1}, collector_name="S"
            )

    outcomes = race(6, buy)

    assert outcomes.count("ok") == 1
    assert Order.objects.filter(lines__product=lamp).count() == 1
    assert list(ledger_drift()) == []
    with pytest.raises(InsufficientStock):
        services.sell(location=shop["leeds"], quantities={lamp.pk: 1}, by=staff)


def test_two_taps_of_pay_racing_record_one_sale(postgres, shop):
    staff = StoreStaffFactory(location=shop["leeds"]).user
    barrier = threading.Barrier(2)

    def pay(i):
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                order = services.sell(
                    location=shop["leeds"],
                    quantities={shop["lamp"].pk: 1},
                    by=staff,
                    tender=services.Tender(method="cash", amount=Decimal("10")),
                    sale_key="same-sale",
                )
            return order.pk
        except IntegrityError:
            return "duplicate"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(pay, range(2)))

    assert TillSale.objects.filter(sale_key="same-sale").count() == 1
    assert Order.objects.filter(channel="store").count() == 1
    order = Order.objects.get(channel="store")
    assert sorted(map(str, outcomes)) in (sorted([str(order.pk), "duplicate"]), [str(order.pk)] * 2)
    assert (
        availability(products=[shop["lamp"]], locations=[shop["leeds"]]).at(
            shop["lamp"], shop["leeds"]
        )
        == 1
    )
    assert list(ledger_drift()) == []
