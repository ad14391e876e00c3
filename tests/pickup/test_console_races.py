"""Two staff acting on one order at the same moment (real transactions on PostgreSQL): one wins,
the other is refused, and stock moves once."""

import pytest
from oscar.core.loading import get_model

from apps.inventory.selectors import ledger_drift
from apps.order import statuses
from apps.pickup import services
from tests import races
from tests.factories import StoreStaffFactory, pick_all

StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db(transaction=True)


def together(*actions):
    return sorted(races.together(*actions, refusals={services.PickupError: "refused"}))


@pytest.fixture
def ready_order(postgres, order, shop):
    staff = StoreStaffFactory(location=shop["leeds"]).user
    services.start_picking(order=order, by=staff)
    pick_all(order, staff)
    services.mark_ready(order=order, by=staff)
    return order, staff


def test_two_staff_handing_over_the_same_order_hand_it_over_once(ready_order, shop):
    order, staff = ready_order
    colleague = StoreStaffFactory(location=shop["leeds"]).user
    outcomes = together(
        lambda: services.hand_over(order=order, by=staff, code=order.pickup_code),
        lambda: services.hand_over(order=order, by=colleague, code=order.pickup_code),
    )
    assert outcomes == ["ok", "refused"]
    order.refresh_from_db()
    assert order.status == statuses.COLLECTED
    assert order.pickup_events.filter(kind="handed_over").count() == 1
    record = StockRecord.objects.get(partner=shop["leeds"].partner, product=shop["lamp"])
    assert (record.num_in_stock, record.num_allocated) == (0, 0)  # 2 on hand, 2 handed over once
    assert list(ledger_drift()) == []


def test_a_handover_racing_a_cancel_leaves_one_of_them_done_whole(ready_order, shop):
    order, staff = ready_order
    outcomes = together(
        lambda: services.hand_over(order=order, by=staff, code=order.pickup_code),
        lambda: services.cancel(order=order, by=staff, reason="customer phoned"),
    )
    assert outcomes == ["ok", "refused"]
    order.refresh_from_db()
    record = StockRecord.objects.get(partner=shop["leeds"].partner, product=shop["lamp"])
    if order.status == statuses.COLLECTED:
        assert (record.num_in_stock, record.num_allocated) == (0, 0)
    else:
        assert order.status == statuses.CANCELLED
        assert (record.num_in_stock, record.num_allocated) == (2, 0)  # back on sale
    assert list(ledger_drift()) == []
