"""An order line (web, API or till) is of 1 to ``MAX_UNITS`` units and never promises more
than it has, in the database itself."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from oscar.core.loading import get_model

from apps.inventory.bounds import MAX_UNITS
from tests.factories import OrderFactory

Line = get_model("order", "Line")


@pytest.fixture
def line(store, product):
    return OrderFactory(store=store, lines={product: 2}).lines.get()


@pytest.mark.parametrize(
    "change",
    [
        {"quantity": 0},
        {"quantity": MAX_UNITS + 1},
        {"num_allocated": F("quantity") + 1},
    ],
    ids=["no-units", "above-bound", "promises-more-than-it-has"],
)
def test_a_line_out_of_range_is_refused_by_the_database(line, change):
    with pytest.raises(IntegrityError), transaction.atomic():
        Line.objects.filter(pk=line.pk).update(**change)
    line.refresh_from_db()
    assert (line.quantity, line.num_allocated) == (2, 2)


def test_the_line_a_placed_order_writes_is_within_range(line):
    assert Line.objects.filter(pk=line.pk, num_allocated__lte=F("quantity")).exists()
