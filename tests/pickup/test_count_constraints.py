"""A picked or short-picked quantity on a pickup event is at least one unit, in the database."""

import pytest
from django.db import IntegrityError, transaction

from apps.inventory.bounds import MAX_UNITS
from apps.pickup.models import PickupEvent
from tests.factories import OrderFactory


@pytest.fixture
def order(store, product):
    return OrderFactory(store=store, lines={product: 1})


@pytest.mark.parametrize("quantity", [0, MAX_UNITS + 1])
def test_an_event_quantity_out_of_range_is_refused(order, quantity):
    with pytest.raises(IntegrityError), transaction.atomic():
        PickupEvent.objects.bulk_create(
            [PickupEvent(order=order, kind=PickupEvent.Kind.SHORT_PICK, quantity=quantity)]
        )


def test_events_without_a_quantity_are_allowed(order):
    PickupEvent.objects.create(order=order, kind=PickupEvent.Kind.READY_RESENT)
    PickupEvent.objects.create(order=order, kind=PickupEvent.Kind.SHORT_PICK, quantity=1)
