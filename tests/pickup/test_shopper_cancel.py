"""The shopper cancels their own pickup order before the store starts picking it: stock back
on sale once, the refund recorded, the shopper told; refused when too late or not theirs,
and two at once (or a cancel racing the store's start) end with one outcome (PostgreSQL)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from oscar.core.loading import get_model

from apps.inventory.selectors import availability, ledger_drift
from apps.order import statuses
from apps.pickup import services
from tests import races
from tests.factories import OrderFactory, StoreStaffFactory, UserFactory

StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db(transaction=True)


def available(shop) -> int:
    return availability(products=[shop["lamp"]], locations=[shop["leeds"]]).at(
        shop["lamp"], shop["leeds"]
    )


@pytest.fixture
def shopper():
    return UserFactory(email="shona@example.com")


@pytest.fixture
def placed(postgres, shop, shopper):
    """Shona's placed order for both of the Leeds store's lamps."""
    return OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 2}, user=shopper, restock=False)


@pytest.fixture
def staff(shop):
    return StoreStaffFactory(location=shop["leeds"]).user


def test_the_shopper_cancels_stock_goes_back_and_the_refund_is_recorded(
    placed, shopper, shop, mailoutbox
):
    assert available(shop) == 0
    services.cancel_by_shopper(order=placed, by=shopper)
    placed.refresh_from_db()
    assert placed.status == statuses.CANCELLED
    assert available(shop) == 2  # both lamps back on sale
    event = placed.pickup_events.get(kind="cancelled")
    assert event.refund == Decimal("20.00") and event.user == shopper
    assert event.detail["by_shopper"] is True
    assert [line.num_allocated for line in placed.lines.all()] == [0]
    assert list(ledger_drift()) == []
    assert [m.subject for m in mailoutbox][-1:] == [f"Your order {placed.number} is cancelled"]


def test_a_guest_cancels_by_the_signed_link_only(postgres, order, shop):
    with pytest.raises(PermissionDenied):
        services.cancel_by_shopper(order=order, by=None)
    with pytest.raises(PermissionDenied):
        services.cancel_by_shopper(order=order, by=None, verification_hash=f"{order.number}:x")
    services.cancel_by_shopper(order=order, by=None, verification_hash=order.verification_hash())
    order.refresh_from_db()
    assert order.status == statuses.CANCELLED and available(shop) == 2


def test_too_late_once_picking_has_started(placed, shopper, staff, shop):
    services.start_picking(order=placed, by=staff)
    with pytest.raises(services.WrongState):
        services.cancel_by_shopper(order=placed, by=shopper)
    placed.refresh_from_db()
    assert placed.status == statuses.PICKING and available(shop) == 0
    assert not placed.pickup_events.filter(kind="cancelled").exists()


def test_someone_elses_order_is_refused(placed, shop):
    for stranger in (UserFactory(), None):
        with pytest.raises(PermissionDenied):
            services.cancel_by_shopper(
                order=placed, by=stranger, verification_hash=placed.verification_hash()
            )
    placed.refresh_from_db()
    assert placed.status == statuses.PLACED and available(shop) == 0


def together(*actions):
    return sorted(races.together(*actions, refusals={services.PickupError: "refused"}))


def test_two_cancels_at_once_release_the_stock_once(placed, shopper, shop):
    outcomes = together(
        lambda: services.cancel_by_shopper(order=placed, by=shopper),
        lambda: services.cancel_by_shopper(order=placed, by=shopper),
    )
    assert outcomes == ["ok", "refused"]
    placed.refresh_from_db()
    assert placed.status == statuses.CANCELLED
    assert placed.pickup_events.filter(kind="cancelled").count() == 1
    record = StockRecord.objects.get(partner=shop["leeds"].partner, product=shop["lamp"])
    assert (record.num_in_stock, record.num_allocated) == (2, 0)
    assert list(ledger_drift()) == []


def test_a_cancel_racing_the_store_starting_to_pick_leaves_one_of_them_done(
    placed, shopper, staff, shop
):
    outcomes = together(
        lambda: services.cancel_by_shopper(order=placed, by=shopper),
        lambda: services.start_picking(order=placed, by=staff),
    )
    assert outcomes == ["ok", "refused"]
    placed.refresh_from_db()
    record = StockRecord.objects.get(partner=shop["leeds"].partner, product=shop["lamp"])
    if placed.status == statuses.CANCELLED:
        assert (record.num_in_stock, record.num_allocated) == (2, 0)
        assert not placed.pickup_events.filter(kind="picking").exists()
    else:
        assert placed.status == statuses.PICKING
        assert (record.num_in_stock, record.num_allocated) == (2, 2)
        assert not placed.pickup_events.filter(kind="cancelled").exists()
    assert list(ledger_drift()) == []
