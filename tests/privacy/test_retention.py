"""Retention: what is kept only while an order is under way is purged once it has ended long
enough ago; nothing of an order still open or recently ended is touched."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from oscar.core.loading import get_model

from apps.order import statuses
from apps.pickup import services as pickup
from apps.privacy import services
from apps.privacy.models import AuditEntry
from tests.factories import OrderFactory, StoreFactory, StoreStaffFactory, UserFactory

Order = get_model("order", "Order")
pytestmark = pytest.mark.django_db


@pytest.fixture
def ended_orders():
    store = StoreFactory()
    staff = StoreStaffFactory(location=store).user
    shopper = UserFactory()
    mine = OrderFactory(store=store, user=shopper, status=statuses.READY, by=staff)
    pickup.announce_arrival(order=mine, by=shopper, note="Red van by the door")
    pickup.hand_over(order=mine, by=staff, code=mine.pickup_code, collected_by="Ann Other")
    guest = OrderFactory(
        store=store,
        guest_email="guest@example.com",
        pickup_name="Gus Guest",
        pickup_phone="07912 345678",
        status=statuses.COLLECTED,
        by=staff,
    )
    still_open = OrderFactory(store=store, guest_email="late@example.com", by=staff)
    return {"mine": mine, "guest": guest, "open": still_open}


def _now_plus(days):
    return timezone.now() + dt.timedelta(days=days)


def test_nothing_is_purged_before_its_time_and_the_days_are_settings(ended_orders, settings):
    assert services.purge_retained(now=_now_plus(89)) == {
        "pickup_codes": 0,
        "pickup_notes": 0,
        "guest_orders": 0,
    }
    assert Order.objects.get(pk=ended_orders["mine"].pk).pickup_code
    settings.PRIVACY_PICKUP_RETENTION_DAYS = 10
    assert services.purge_retained(now=_now_plus(11))["pickup_codes"] == 2


def test_arrival_notes_and_pickup_codes_go_after_90_days(ended_orders):
    with time_machine.travel(_now_plus(91)):
        counts = services.purge_retained()
    mine = Order.objects.get(pk=ended_orders["mine"].pk)
    assert mine.pickup_code is None
    arrival = mine.pickup_events.get(kind="arrived")
    assert arrival.detail == {"note": ""}
    assert mine.pickup_events.get(kind="handed_over").detail["collected_by"] == ""
    # The arrival note, and the names of who collected each of the two collected orders.
    assert counts["pickup_codes"] == 2 and counts["pickup_notes"] == 3
    guest = Order.objects.get(pk=ended_orders["guest"].pk)
    assert guest.guest_email == "guest@example.com", "contact details stay a year"
    assert Order.objects.get(pk=ended_orders["open"].pk).pickup_code, "an open order keeps its code"
    assert AuditEntry.objects.get(kind="retention").detail == counts


def test_a_guest_orders_contact_details_go_after_a_year_and_its_money_stays(ended_orders):
    before = Order.objects.get(pk=ended_orders["guest"].pk)
    services.purge_retained(now=_now_plus(366))
    guest = Order.objects.get(pk=ended_orders["guest"].pk)
    assert (guest.guest_email, guest.pickup_name, guest.pickup_phone) == ("", "", "")
    assert guest.total_incl_tax == before.total_incl_tax and guest.status == statuses.COLLECTED
    still_open = Order.objects.get(pk=ended_orders["open"].pk)
    assert still_open.guest_email == "late@example.com"
    assert services.purge_retained(now=_now_plus(367))["guest_orders"] == 0, "once only"
