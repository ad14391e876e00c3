"""Till sales and counter returns are of at least one unit, in the database itself."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from oscar.core.loading import get_model

from apps.instore.models import CounterReturn
from apps.inventory.bounds import MAX_UNITS
from tests.factories import OrderFactory

Line = get_model("order", "Line")


@pytest.fixture
def till_sale(store, product):
    return OrderFactory(channel="store", store=store, lines={product: 3})


def counter_return(order, quantity):
    return CounterReturn(
        order=order,
        line=order.lines.get(),
        location=order.till_sale.location,
        quantity=quantity,
        refund=Decimal("0.00"),
    )


@pytest.mark.parametrize("quantity", [0, MAX_UNITS + 1])
def test_a_counter_return_out_of_range_is_refused_by_the_database(till_sale, quantity):
    with pytest.raises(IntegrityError), transaction.atomic():
        CounterReturn.objects.bulk_create([counter_return(till_sale, quantity)])
    assert not CounterReturn.objects.exists()


def test_a_counter_return_of_no_units_is_refused_by_its_validators(till_sale):
    with pytest.raises(ValidationError) as refused:
        counter_return(till_sale, 0).full_clean()
    assert "quantity" in refused.value.message_dict


def test_a_till_sale_line_of_no_units_is_refused_by_the_database(till_sale):
    with pytest.raises(IntegrityError), transaction.atomic():
        Line.objects.filter(order=till_sale).update(quantity=0)
    assert till_sale.lines.get().quantity == 3
