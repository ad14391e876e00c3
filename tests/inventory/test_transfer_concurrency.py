"""Shipping transfers races checkouts and other shipments on PostgreSQL: no unit leaves twice."""

import pytest
from oscar.core.loading import get_model

from apps.inventory import services
from apps.inventory.models import Transfer
from apps.inventory.selectors import ledger_drift
from tests.factories import ProductFactory, StoreFactory, stock
from tests.races import race as race_all

StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 12


def race(n, attempt):
    refusals = {services.InsufficientStock: "refused", services.TransferStateError: "already"}
    return race_all(n, attempt, refusals=refusals)


def test_shipments_and_shoppers_racing_for_the_last_units_never_oversell(postgres):
    source, destination = StoreFactory(code="src"), StoreFactory(code="dst")
    product = ProductFactory(title="Last Lamps")
    stock(source, product, 5)
    planned = [
        services.create_transfer(source=source, destination=destination, quantities={product.pk: 2})
        for _ in range(RACERS // 2)
    ]

    def attempt(i):
        if i % 2:
            services.ship_transfer(transfer=planned[i // 2])
        else:
            services.allocate(location=source, quantities={product.pk: 1})

    outcomes = race(RACERS, attempt)

    record = StockRecord.objects.get(partner_id=source.partner_id, product=product)
    shipped = Transfer.objects.filter(state=Transfer.State.SHIPPED).count()
    allocated = record.num_allocated
    assert outcomes.count("ok") == shipped + allocated
    assert 2 * shipped + allocated <= 5  # every unit went one way at most
    assert record.num_in_stock == 5 - 2 * shipped
    assert 0 <= record.num_allocated <= record.num_in_stock
    assert list(ledger_drift()) == []


def test_the_same_transfer_shipped_from_two_tills_at_once_ships_once(postgres):
    source, destination = StoreFactory(code="src2"), StoreFactory(code="dst2")
    product = ProductFactory(title="Stool")
    stock(source, product, 10)
    planned = services.create_transfer(
        source=source, destination=destination, quantities={product.pk: 3}
    )

    outcomes = race(RACERS, lambda i: services.ship_transfer(transfer=planned))

    assert outcomes.count("ok") == 1 and outcomes.count("already") == RACERS - 1
    record = StockRecord.objects.get(partner_id=source.partner_id, product=product)
    assert record.num_in_stock == 7
    assert list(ledger_drift()) == []


def test_opposite_shipments_and_receipts_between_two_stores_do_not_deadlock(postgres):
    a, b = StoreFactory(code="ea"), StoreFactory(code="eb")
    products = [ProductFactory(title=f"Item {i}") for i in range(3)]
    for product in products:
        stock(a, product, 40)
        stock(b, product, 40)
    both = {p.pk: 1 for p in products}
    shipped = [
        services.ship_transfer(
            transfer=services.create_transfer(
                source=a if i % 2 else b, destination=b if i % 2 else a, quantities=both
            )
        )
        for i in range(RACERS // 2)
    ]
    planned = [
        services.create_transfer(
            source=a if i % 2 else b, destination=b if i % 2 else a, quantities=both
        )
        for i in range(RACERS // 2)
    ]

    def attempt(i):
        if i % 2:
            services.receive_transfer(transfer=shipped[i // 2])
        else:
            services.ship_transfer(transfer=planned[i // 2])

    outcomes = race(RACERS, attempt)

    assert outcomes.count("ok") == RACERS
    for product in products:
        on_hand = sum(
            StockRecord.objects.filter(product=product).values_list("num_in_stock", flat=True)
        )
        assert on_hand == 80 - len(planned)  # the just-shipped ones are on the road
    assert list(ledger_drift()) == []
