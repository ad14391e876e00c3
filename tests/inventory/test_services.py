"""Each stock service moves the right figures, writes its ledger reason, and refuses bad changes."""

import pytest
from django.db import IntegrityError, transaction
from oscar.core.loading import get_model

from apps.instore import services as instore
from apps.inventory import services
from apps.inventory.models import ImmutableRowError, StockMovement
from apps.inventory.selectors import availability, ledger_drift
from tests.factories import LocationFactory, ProductFactory, UserFactory, stock

StockRecord = get_model("partner", "StockRecord")
Reason = StockMovement.Reason


def figures(location, product):
    record = StockRecord.objects.get(partner_id=location.partner_id, product=product)
    return record.num_in_stock, record.num_allocated


@pytest.fixture
def lamp_at_store(store, product):
    stock(store, product, 5)
    return product


def test_receipt_puts_units_on_hand_and_creates_the_record(db, store, product):
    services.receive(location=store, quantities={product.pk: 7}, note="delivery 42")
    assert figures(store, product) == (7, 0)
    movement = StockMovement.objects.get(reason=Reason.RECEIPT)
    assert (movement.on_hand_delta, movement.allocated_delta, movement.note) == (
        7,
        0,
        "delivery 42",
    )


def test_allocation_promises_units_without_moving_on_hand(db, store, lamp_at_store):
    services.allocate(location=store, quantities={lamp_at_store.pk: 2})
    assert figures(store, lamp_at_store) == (5, 2)
    assert availability(products=[lamp_at_store], locations=[store]).at(lamp_at_store, store) == 3
    assert StockMovement.objects.filter(reason=Reason.ALLOCATION, allocated_delta=2).count() == 1


def test_allocation_beyond_available_names_the_product_and_what_is_left(db, store, lamp_at_store):
    services.allocate(location=store, quantities={lamp_at_store.pk: 4})
    with pytest.raises(services.InsufficientStock) as refused:
        services.allocate(location=store, quantities={lamp_at_store.pk: 2})
    assert str(refused.value) == "Only 1 left of Desk Lamp at Omnishop Leeds (you asked for 2)."
    assert refused.value.available == 1
    assert figures(store, lamp_at_store) == (5, 4)


def test_allocating_a_basket_is_all_or_nothing(db, store, lamp_at_store):
    scarce = ProductFactory(title="Last Kettle")
    stock(store, scarce, 1)
    with pytest.raises(services.InsufficientStock, match="Last Kettle"):
        services.allocate(location=store, quantities={lamp_at_store.pk: 2, scarce.pk: 2})
    assert figures(store, lamp_at_store) == (5, 0)
    assert figures(store, scarce) == (1, 0)
    assert not StockMovement.objects.filter(reason=Reason.ALLOCATION).exists()


def test_product_without_a_record_at_the_store_is_not_available_there(
    db, store, other_store, lamp_at_store
):
    with pytest.raises(
        services.InsufficientStock, match="Desk Lamp is no longer available at Omnishop York"
    ):
        services.allocate(location=other_store, quantities={lamp_at_store.pk: 1})


def test_safety_buffer_holds_units_back_from_allocation(db, store, lamp_at_store):
    store.safety_buffer = 2
    store.save()
    assert availability(products=[lamp_at_store], locations=[store]).at(lamp_at_store, store) == 3
    with pytest.raises(services.InsufficientStock):
        services.allocate(location=store, quantities={lamp_at_store.pk: 4})
    services.allocate(location=store, quantities={lamp_at_store.pk: 3})
    assert availability(products=[lamp_at_store], locations=[store]).at(lamp_at_store, store) == 0


def test_release_gives_promised_units_back_to_sale(db, store, lamp_at_store):
    services.allocate(location=store, quantities={lamp_at_store.pk: 3})
    services.release(location=store, quantities={lamp_at_store.pk: 2}, note="short pick")
    assert figures(store, lamp_at_store) == (5, 1)
    assert StockMovement.objects.get(reason=Reason.RELEASE).allocated_delta == -2


def test_release_of_more_than_allocated_is_refused(db, store, lamp_at_store):
    services.allocate(location=store, quantities={lamp_at_store.pk: 1})
    with pytest.raises(services.InvalidStockChange):
        services.release(location=store, quantities={lamp_at_store.pk: 2})
    assert figures(store, lamp_at_store) == (5, 1)


def test_handover_takes_units_off_hand_and_off_allocated(db, store, lamp_at_store):
    services.allocate(location=store, quantities={lamp_at_store.pk: 2})
    services.hand_over(location=store, quantities={lamp_at_store.pk: 2})
    assert figures(store, lamp_at_store) == (3, 0)
    movement = StockMovement.objects.get(reason=Reason.HANDOVER)
    assert (movement.on_hand_delta, movement.allocated_delta) == (-2, -2)


def test_instore_sale_never_takes_units_promised_to_pickup_orders(db, store, lamp_at_store):
    services.allocate(location=store, quantities={lamp_at_store.pk: 4})
    services.sell_in_store(location=store, quantities={lamp_at_store.pk: 1})
    assert figures(store, lamp_at_store) == (4, 4)
    with pytest.raises(services.InsufficientStock, match="no longer available"):
        services.sell_in_store(location=store, quantities={lamp_at_store.pk: 1})
    assert StockMovement.objects.get(reason=Reason.INSTORE_SALE).on_hand_delta == -1


def sell_and_take_back(store, product):
    """A till sale of one unit (priced by the warehouse's record), brought back to the counter."""
    stock(LocationFactory(code="web", kind="warehouse"), product, 0)
    merch = UserFactory(is_superuser=True)
    order = instore.sell(location=store, quantities={product.pk: 1}, by=merch)
    line = order.lines.get()
    instore.take_return(
        location=store, order=order, quantities={line.pk: 1}, by=merch, reason="changed mind"
    )
    return line


def test_return_puts_units_back_on_hand(db, store, lamp_at_store):
    sell_and_take_back(store, lamp_at_store)
    assert figures(store, lamp_at_store) == (5, 0)
    movement = StockMovement.objects.get(reason=Reason.RETURN)
    assert movement.on_hand_delta == 1
    assert movement.counter_return.reason == "changed mind"


def test_count_sets_on_hand_and_records_the_difference(db, store, lamp_at_store):
    services.count(location=store, counts={lamp_at_store.pk: 3}, note="weekly count")
    assert figures(store, lamp_at_store) == (3, 0)
    assert StockMovement.objects.get(reason=Reason.ADJUSTMENT).on_hand_delta == -2


def test_count_below_allocated_is_refused(db, store, lamp_at_store):
    services.allocate(location=store, quantities={lamp_at_store.pk: 3})
    with pytest.raises(services.InvalidStockChange, match="3 are allocated"):
        services.count(location=store, counts={lamp_at_store.pk: 2})
    assert figures(store, lamp_at_store) == (5, 3)


def test_adjustment_by_a_signed_delta(db, store, lamp_at_store):
    services.adjust(location=store, deltas={lamp_at_store.pk: -2}, note="damaged")
    assert figures(store, lamp_at_store) == (3, 0)
    with pytest.raises(services.InsufficientStock):
        services.adjust(location=store, deltas={lamp_at_store.pk: -4})


def test_transfer_moves_units_between_locations_with_linked_movements(
    db, store, other_store, lamp_at_store
):
    transfer_id = services.transfer(
        source=store, destination=other_store, quantities={lamp_at_store.pk: 2}
    )
    assert figures(store, lamp_at_store) == (3, 0)
    assert figures(other_store, lamp_at_store) == (2, 0)
    out, into = (
        StockMovement.objects.get(reason=r) for r in (Reason.TRANSFER_OUT, Reason.TRANSFER_IN)
    )
    assert out.transfer_id == into.transfer_id == transfer_id
    assert (out.on_hand_delta, into.on_hand_delta) == (-2, 2)


def test_transfer_of_more_than_available_changes_neither_side(
    db, store, other_store, lamp_at_store
):
    with pytest.raises(services.InsufficientStock):
        services.transfer(source=store, destination=other_store, quantities={lamp_at_store.pk: 6})
    assert figures(store, lamp_at_store) == (5, 0)
    assert not StockMovement.objects.filter(reason=Reason.TRANSFER_IN).exists()


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2"])
def test_quantities_must_be_positive_whole_numbers(db, store, lamp_at_store, bad):
    with pytest.raises(services.InvalidStockChange):
        services.allocate(location=store, quantities={lamp_at_store.pk: bad})


def test_every_reason_is_produced_by_its_service_and_the_ledger_balances(
    db, store, other_store, lamp_at_store
):
    p = lamp_at_store.pk
    services.allocate(location=store, quantities={p: 2})
    services.release(location=store, quantities={p: 1})
    services.hand_over(location=store, quantities={p: 1})
    sell_and_take_back(store, lamp_at_store)
    services.count(location=store, counts={p: 6})
    services.transfer(source=store, destination=other_store, quantities={p: 1})
    assert set(StockMovement.objects.values_list("reason", flat=True)) == set(Reason.values)
    assert list(ledger_drift()) == []


def test_oscars_own_stockrecord_methods_go_through_the_ledger_and_cannot_oversell(
    db, store, lamp_at_store
):
    record = StockRecord.objects.get(partner_id=store.partner_id, product=lamp_at_store)
    record.allocate(4)
    assert (record.num_in_stock, record.num_allocated) == (5, 4)
    with pytest.raises(services.InsufficientStock):
        record.allocate(2)
    record.consume_allocation(3)
    record.cancel_allocation(1)
    assert (record.num_in_stock, record.num_allocated) == (2, 0)
    assert list(StockMovement.objects.order_by("pk").values_list("reason", flat=True))[-3:] == [
        Reason.ALLOCATION,
        Reason.HANDOVER,
        Reason.RELEASE,
    ]
    assert list(ledger_drift()) == []


def test_database_refuses_allocated_above_on_hand_even_behind_the_services_back(
    db, store, lamp_at_store
):
    with pytest.raises(IntegrityError), transaction.atomic():
        StockRecord.objects.filter(product=lamp_at_store).update(num_allocated=6)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockRecord.objects.filter(product=lamp_at_store).update(num_allocated=-1)


def test_ledger_rows_cannot_be_edited_or_deleted(db, store, lamp_at_store):
    movement = StockMovement.objects.first()
    movement.on_hand_delta = 100
    with pytest.raises(ImmutableRowError):
        movement.save()
    with pytest.raises(ImmutableRowError):
        movement.delete()
