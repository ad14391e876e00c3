"""Flash-sale holds under real concurrent transactions on PostgreSQL: nobody holds a unit twice,
and a holder's checkout gets its units whoever else is buying or holding them."""

import pytest
from oscar.core.loading import get_model

from apps.checkout import services as checkout
from apps.inventory import holds, services
from apps.inventory.models import BasketHold
from apps.inventory.selectors import availability, ledger_drift
from apps.shipping.methods import CollectInStore
from tests.factories import LocationFactory, ProductFactory, StoreFactory, stock
from tests.races import race, together

StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sale(settings):
    settings.OMNISHOP_BASKET_HOLD_MINUTES = 15
    settings.OMNISHOP_HOLD_LIMIT_PER_CUSTOMER = 0


@pytest.fixture
def last_three():
    """A store with the last 3 units of a product (priced at the warehouse)."""
    LocationFactory(code="web", name="Online warehouse", kind="warehouse")
    store = StoreFactory(code="sale", name="Sale Store")
    product = ProductFactory(title="Hot Toy")
    stock(LocationFactory._meta.model.objects.get(code="web"), product, 0)
    stock(store, product, 3)
    return store, product


def baskets(store, product, n):
    return [
        checkout.fill_basket(owner=None, quantities={product.pk: 1}, location=store)
        for _ in range(n)
    ]


def test_ten_shoppers_holding_the_last_three_units_get_exactly_three_holds(
    postgres, sale, last_three
):
    store, product = last_three
    shoppers = baskets(store, product, 10)
    held = [None] * 10

    def take(i):
        (held[i],) = holds.hold(basket=shoppers[i], location=store, wanted={product.pk: 1})

    outcomes = race(10, take, refusals={})

    assert outcomes == ["ok"] * 10
    assert sorted(h.held for h in held) == [0] * 7 + [1] * 3
    assert BasketHold.objects.count() == 3
    assert sum(BasketHold.objects.values_list("quantity", flat=True)) == 3
    assert availability(products=[product], locations=[store]).at(product, store) == 0


def test_holders_checkouts_succeed_while_others_try_to_buy_or_hold_the_same_units(
    postgres, sale, last_three
):
    store, product = last_three
    holders = baskets(store, product, 3)
    for basket in holders:
        holds.hold(basket=basket, location=store, wanted={product.pk: 1})
    buyers = baskets(store, product, 5)  # no hold: they try to buy the held units
    latecomers = baskets(store, product, 4)  # they try to hold them
    late_holds = []

    def buy(basket):
        def place():
            checkout.place_order(
                basket=basket,
                user=None,
                channel="web",
                location=store,
                shipping_method=CollectInStore(),
                pickup=checkout.Pickup(store=store, name="Ann Other"),
                guest_email="ann@example.com",
            )

        return place

    def try_to_hold(basket):
        def take():
            late_holds.extend(holds.hold(basket=basket, location=store, wanted={product.pk: 1}))

        return take

    outcomes = together(
        *[buy(b) for b in holders],
        *[buy(b) for b in buyers],
        *[try_to_hold(b) for b in latecomers],
        refusals={services.InsufficientStock: "refused"},
    )

    assert outcomes[:3] == ["ok"] * 3  # every holder
    assert outcomes[3:8] == ["refused"] * 5  # every buyer without a hold
    assert outcomes[8:] == ["ok"] * 4 and [h.held for h in late_holds] == [0] * 4
    record = StockRecord.objects.get(partner_id=store.partner_id, product=product)
    assert (record.num_in_stock, record.num_allocated) == (3, 3)
    assert not BasketHold.objects.exists()  # consumed by the three orders
    assert list(ledger_drift()) == []
