"""Real concurrent transactions on PostgreSQL: nobody can take the same unit twice."""

import pytest
from oscar.core.loading import get_model

from apps.inventory import services
from apps.inventory.selectors import availability, ledger_drift
from tests.factories import ProductFactory, StoreFactory, stock
from tests.races import race as race_all

StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db(transaction=True)

SHOPPERS = 16


def race(n, attempt):
    return race_all(n, attempt, refusals={services.InsufficientStock: "refused"})


@pytest.mark.parametrize("units_left", [1, 3])
def test_shoppers_racing_for_the_last_units_get_exactly_that_many_orders(postgres, units_left):
    store = StoreFactory(code="race", name="Race Store")
    product = ProductFactory(title="Hot Toy")
    stock(store, product, units_left)

    outcomes = race(
        SHOPPERS, lambda i: services.allocate(location=store, quantities={product.pk: 1})
    )

    assert outcomes.count("ok") == units_left
    assert outcomes.count("refused") == SHOPPERS - units_left
    record = StockRecord.objects.get(partner_id=store.partner_id, product=product)
    assert (record.num_in_stock, record.num_allocated) == (units_left, units_left)
    assert availability(products=[product], locations=[store]).at(product, store) == 0
    assert list(ledger_drift()) == []


def test_baskets_taking_products_in_opposite_orders_neither_deadlock_nor_half_allocate(postgres):
    store = StoreFactory(code="race2", name="Race Store 2")
    products = [ProductFactory(title=f"Item {i}") for i in range(4)]
    for p in products:
        stock(store, p, 5)

    def basket(i):
        ordered = products if i % 2 == 0 else list(reversed(products))
        # dict order is the order the shopper added them: opposite for odd shoppers
        services.allocate(location=store, quantities={p.pk: 1 for p in ordered})

    outcomes = race(SHOPPERS, basket)

    assert outcomes.count("ok") == 5
    assert outcomes.count("refused") == SHOPPERS - 5
    for p in products:  # every basket got all its lines or none
        record = StockRecord.objects.get(partner_id=store.partner_id, product=p)
        assert (record.num_in_stock, record.num_allocated) == (5, 5)
    assert list(ledger_drift()) == []


def test_till_sales_and_web_allocations_racing_never_oversell(postgres):
    store = StoreFactory(code="race3", name="Race Store 3")
    product = ProductFactory(title="Umbrella")
    stock(store, product, 4)

    def buy(i):
        if i % 2:
            services.sell_in_store(location=store, quantities={product.pk: 1})
        else:
            services.allocate(location=store, quantities={product.pk: 1})

    outcomes = race(SHOPPERS, buy)

    assert outcomes.count("ok") == 4
    record = StockRecord.objects.get(partner_id=store.partner_id, product=product)
    assert record.num_in_stock - record.num_allocated == 0
    assert record.num_allocated <= record.num_in_stock
    assert list(ledger_drift()) == []


def test_opposite_transfers_between_two_stores_do_not_deadlock(postgres):
    a, b = StoreFactory(code="ta", name="A"), StoreFactory(code="tb", name="B")
    product = ProductFactory(title="Chair")
    stock(a, product, 50)
    stock(b, product, 50)

    def move(i):
        source, destination = (a, b) if i % 2 else (b, a)
        services.transfer(source=source, destination=destination, quantities={product.pk: 1})

    outcomes = race(SHOPPERS, move)

    assert outcomes.count("ok") == SHOPPERS
    total = sum(StockRecord.objects.filter(product=product).values_list("num_in_stock", flat=True))
    assert total == 100
    assert list(ledger_drift()) == []
