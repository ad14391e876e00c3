"""The ledger's counts stay in range in the database itself: a movement changes something, by
at most ``MAX_UNITS`` either way, and an import never applies more rows than it has."""

import pytest
from django.db import IntegrityError, transaction
from oscar.core.loading import get_model

from apps.inventory.bounds import MAX_UNITS
from apps.inventory.models import StockImport, StockMovement
from tests.factories import stock

StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def record(store, product):
    return stock(store, product, 10)


def movement(record, **deltas):
    return StockMovement(
        stockrecord=record,
        location=record.partner.location,
        product=record.product,
        reason=StockMovement.Reason.ADJUSTMENT,
        **deltas,
    )


@pytest.mark.parametrize(
    "deltas",
    [
        {"on_hand_delta": 0, "allocated_delta": 0},
        {"on_hand_delta": MAX_UNITS + 1},
        {"on_hand_delta": -MAX_UNITS - 1},
        {"allocated_delta": MAX_UNITS + 1},
        {"allocated_delta": -MAX_UNITS - 1},
    ],
    ids=["changes-nothing", "on-hand-up", "on-hand-down", "allocated-up", "allocated-down"],
)
def test_bulk_created_movements_out_of_range_are_refused(record, deltas):
    rows = StockMovement.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        StockMovement.objects.bulk_create([movement(record, **deltas)])
    assert StockMovement.objects.count() == rows


def test_movements_at_the_bound_are_allowed(record):
    StockMovement.objects.bulk_create(
        [
            movement(record, on_hand_delta=-MAX_UNITS),
            movement(record, allocated_delta=MAX_UNITS),
        ]
    )


def test_a_ledger_row_cannot_be_emptied_by_an_update(record):
    """``save()`` refuses to change a movement; a bare ``update()`` still meets the database."""
    first = StockMovement.objects.filter(stockrecord=record).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        StockMovement.objects.filter(pk=first.pk).update(on_hand_delta=0, allocated_delta=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockMovement.objects.filter(pk=first.pk).update(on_hand_delta=MAX_UNITS + 1)


def test_an_import_cannot_apply_more_rows_than_it_has(db):
    batch = StockImport.objects.create(mode=StockImport.Mode.DELTA, rows_total=2, rows_applied=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockImport.objects.filter(pk=batch.pk).update(rows_applied=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockImport.objects.bulk_create(
            [StockImport(mode=StockImport.Mode.DELTA, rows_total=0, rows_applied=1)]
        )
