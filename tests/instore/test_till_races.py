"""Tills racing on PostgreSQL, each paid in cash or card: never more sold than the shelf
holds, a refused sale leaves neither an order nor a tender behind."""

from decimal import Decimal

import pytest
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
