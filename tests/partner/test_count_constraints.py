"""The database refuses stock figures out of range, even written behind the services' back
(``.update()``, ``bulk_create``); the model's validators refuse them in forms and the admin."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms import modelform_factory
from oscar.core.loading import get_model

from apps.inventory import services
from apps.inventory.bounds import MAX_UNITS
from apps.inventory.models import StockMovement
from tests.factories import ProductFactory, stock

StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def record(store, product):
    return stock(store, product, 10)


@pytest.mark.parametrize(
    "figures",
    [
        {"num_in_stock": -1},
        {"num_in_stock": MAX_UNITS + 1},
        {"num_allocated": -1},
        {"num_allocated": 11},  # more than on hand
    ],
    ids=[
        "on-hand-negative",
        "on-hand-above-bound",
        "allocated-negative",
        "allocated-above-on-hand",
    ],
)
def test_an_update_out_of_range_is_refused_by_the_database(record, figures):
    with pytest.raises(IntegrityError), transaction.atomic():
        StockRecord.objects.filter(pk=record.pk).update(**figures)
    record.refresh_from_db()
    assert (record.num_in_stock, record.num_allocated) == (10, 0)


@pytest.mark.parametrize(
    ("num_in_stock", "num_allocated"),
    [(MAX_UNITS + 1, 0), (-5, 0), (3, 4), (3, -1)],
    ids=[
        "on-hand-above-bound",
        "on-hand-negative",
        "allocated-above-on-hand",
        "allocated-negative",
    ],
)
def test_bulk_created_records_out_of_range_are_refused(store, num_in_stock, num_allocated):
    product = ProductFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        StockRecord.objects.bulk_create(
            [
                StockRecord(
                    partner=store.partner,
                    product=product,
                    partner_sku="X",
                    num_in_stock=num_in_stock,
                    num_allocated=num_allocated,
                )
            ]
        )
    assert not StockRecord.objects.filter(product=product).exists()


def test_the_bound_itself_is_allowed(record):
    StockRecord.objects.filter(pk=record.pk).update(num_in_stock=MAX_UNITS)
    record.refresh_from_db()
    assert record.num_in_stock == MAX_UNITS


def test_a_form_over_the_record_names_the_field_instead_of_failing(record):
    """What the admin's form does: the validators and constraints refuse, field by field."""
    Form = modelform_factory(StockRecord, fields=["num_in_stock", "num_allocated"])
    form = Form({"num_in_stock": MAX_UNITS + 1, "num_allocated": 0}, instance=record)
    assert not form.is_valid()
    assert "num_in_stock" in form.errors
    form = Form({"num_in_stock": 3, "num_allocated": 4}, instance=record)
    assert not form.is_valid()
    assert "Allocated cannot be more than on hand." in str(form.errors)


def test_full_clean_refuses_a_negative_allocation(record):
    record.num_allocated = -1
    with pytest.raises(ValidationError) as refused:
        record.full_clean()
    assert "num_allocated" in refused.value.message_dict


@pytest.mark.parametrize(
    "write",
    [
        lambda store, product: services.receive(location=store, quantities={product.pk: 11}),
        lambda store, product: services.adjust(location=store, deltas={product.pk: 11}),
    ],
    ids=["receive", "adjust"],
)
def test_the_services_refuse_to_fill_a_record_beyond_the_bound(store, product, record, write):
    StockRecord.objects.filter(pk=record.pk).update(num_in_stock=MAX_UNITS - 10)
    movements = StockMovement.objects.count()
    with pytest.raises(services.InvalidStockChange, match="more than 1,000,000,000"):
        write(store, product)
    record.refresh_from_db()
    assert record.num_in_stock == MAX_UNITS - 10
    assert StockMovement.objects.count() == movements


def test_a_transfer_into_a_full_record_moves_nothing(store, other_store, product, record):
    full = stock(other_store, product, 0)
    StockRecord.objects.filter(pk=full.pk).update(num_in_stock=MAX_UNITS)
    with pytest.raises(services.InvalidStockChange, match="more than 1,000,000,000"):
        services.transfer(source=store, destination=other_store, quantities={product.pk: 1})
    record.refresh_from_db()
    assert record.num_in_stock == 10
