"""Pickup transitions: the right store's staff, from the right state, with the ledger balanced."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from oscar.core.loading import get_model

from apps.inventory.selectors import availability, ledger_drift
from apps.order import statuses
from apps.pickup import services
from apps.pickup.models import PickupEvent
from apps.pickup.selectors import queue
from tests.factories import OrderFactory, StoreStaffFactory, UserFactory, pick_all

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def leeds_staff(shop):
    return StoreStaffFactory(location=shop["leeds"]).user


@pytest.fixture
def york_staff(shop):
    return StoreStaffFactory(location=shop["york"]).user


def figures(shop):
    record = StockRecord.objects.get(partner=shop["leeds"].partner, product=shop["lamp"])
    return record.num_in_stock, record.num_allocated


def test_full_journey_placed_to_collected_consumes_the_allocation(order, shop, leeds_staff):
    assert figures(shop) == (2, 2)
    services.start_picking(order=order, by=leeds_staff)
    pick_all(order, leeds_staff)
    services.mark_ready(order=order, by=leeds_staff)
    services.hand_over(
        order=order, by=leeds_staff, code=order.pickup_code.lower(), collected_by="Ann Other"
    )
    order.refresh_from_db()
    assert order.status == statuses.COLLECTED
    assert figures(shop) == (0, 0)
    kinds = list(order.pickup_events.values_list("kind", flat=True))
    assert kinds == ["picking", "line_picked", "ready", "handed_over"]
    assert order.pickup_events.last().detail["collected_by"] == "Ann Other"
    assert list(ledger_drift()) == []


def test_staff_of_another_store_are_refused_and_nothing_changes(order, york_staff):
    with pytest.raises(PermissionDenied):
        services.start_picking(order=order, by=york_staff)
    order.refresh_from_db()
    assert order.status == statuses.PLACED
    assert not PickupEvent.objects.exists()


def test_merchandisers_act_for_every_store(order):
    services.start_picking(order=order, by=UserFactory(is_superuser=True))
    order.refresh_from_db()
    assert order.status == statuses.PICKING


@pytest.mark.parametrize(
    "action",
    [
        lambda o, u: services.mark_ready(order=o, by=u),
        lambda o, u: services.hand_over(order=o, by=u, code=o.pickup_code),
        lambda o, u: services.mark_not_collected(order=o, by=u),
    ],
    ids=["ready-before-picking", "handover-before-ready", "not-collected-before-ready"],
)
def test_transitions_from_the_wrong_state_are_refused_and_change_nothing(
    order, shop, leeds_staff, action
):
    with pytest.raises(services.WrongState):
        action(order, leeds_staff)
    order.refresh_from_db()
    assert order.status == statuses.PLACED
    assert figures(shop) == (2, 2)


def test_short_pick_releases_units_and_records_the_refund(order, shop, leeds_staff):
    services.start_picking(order=order, by=leeds_staff)
    line = order.lines.get()
    services.short_pick(order=order, line=line, quantity=1, by=leeds_staff, reason="damaged")
    assert figures(shop) == (2, 1)
    event = PickupEvent.objects.get(kind="short_pick")
    assert event.refund == line.unit_price_incl_tax and event.quantity == 1
    pick_all(order, leeds_staff)
    services.mark_ready(order=order, by=leeds_staff)
    services.hand_over(order=order, by=leeds_staff, code=order.pickup_code)
    assert figures(shop) == (1, 0)  # one handed over, the damaged one back on sale
    assert list(ledger_drift()) == []


def test_short_picking_everything_cancels_the_order(order, shop, leeds_staff):
    services.start_picking(order=order, by=leeds_staff)
    services.short_pick(
        order=order, line=order.lines.get(), quantity=2, by=leeds_staff, reason="missing"
    )
    order.refresh_from_db()
    assert order.status == statuses.CANCELLED
    assert figures(shop) == (2, 0)


def test_wrong_code_is_refused_remembered_and_rate_limited(order, shop, leeds_staff):
    services.start_picking(order=order, by=leeds_staff)
    pick_all(order, leeds_staff)
    services.mark_ready(order=order, by=leeds_staff)
    for _ in range(services.MAX_WRONG_CODES):
        with pytest.raises(services.WrongCode):
            services.hand_over(order=order, by=leeds_staff, code="AAAA-AAAA")
    with pytest.raises(services.TooManyAttempts):
        services.hand_over(order=order, by=leeds_staff, code=order.pickup_code)
    order.refresh_from_db()
    assert order.status == statuses.READY and figures(shop) == (2, 2)
    # The customer shows their ID instead; the staff member records it.
    services.hand_over(order=order, by=leeds_staff, id_checked=True, collected_by="Ann Other")
    order.refresh_from_db()
    assert order.status == statuses.COLLECTED
    assert order.pickup_events.last().detail == {
        "collected_by": "Ann Other",
        "id_checked": True,
        "code_checked": False,
    }


def test_not_collected_after_the_holding_days_puts_stock_back_on_sale(order, shop, leeds_staff):
    services.start_picking(order=order, by=leeds_staff)
    pick_all(order, leeds_staff)
    services.mark_ready(order=order, by=leeds_staff)
    with pytest.raises(services.WrongState):
        services.mark_not_collected(order=order, by=leeds_staff)
    later = timezone.now() + dt.timedelta(days=shop["leeds"].holding_days, minutes=1)
    services.mark_not_collected(order=order, now=later)
    order.refresh_from_db()
    assert order.status == statuses.NOT_COLLECTED
    assert (
        availability(products=[shop["lamp"]], locations=[shop["leeds"]]).at(
            shop["lamp"], shop["leeds"]
        )
        == 2
    )
    assert (
        PickupEvent.objects.get(kind="not_collected").refund
        == order.total_incl_tax - order.shipping_incl_tax
    )
    assert list(ledger_drift()) == []


def test_cancel_releases_everything(order, shop, leeds_staff):
    services.cancel(order=order, by=leeds_staff, reason="customer called")
    order.refresh_from_db()
    assert order.status == statuses.CANCELLED and figures(shop) == (2, 0)
    with pytest.raises(services.WrongState):
        services.start_picking(order=order, by=leeds_staff)


def test_ready_needs_every_line_picked(order, shop, leeds_staff):
    services.start_picking(order=order, by=leeds_staff)
    with pytest.raises(
        services.PickupError, match="Confirm every line first: Desk Lamp not picked yet"
    ):
        services.mark_ready(order=order, by=leeds_staff)
    services.short_pick(
        order=order, line=order.lines.get(), quantity=1, by=leeds_staff, reason="damaged"
    )
    pick_all(order, leeds_staff)  # confirms the 1 unit left
    services.mark_ready(order=order, by=leeds_staff)
    order.refresh_from_db()
    assert order.status == statuses.READY


def test_the_queue_lists_todays_collections_however_old_the_order(shop):
    leeds = shop["leeds"]
    today = OrderFactory(store=leeds, lines={shop["lamp"]: 1}, status=statuses.COLLECTED)
    yesterday = OrderFactory(store=leeds, lines={shop["lamp"]: 1}, status=statuses.COLLECTED)
    # An order placed long ago, handed over today; another handed over yesterday.
    Order.objects.filter(pk=today.pk).update(date_placed=timezone.now() - dt.timedelta(days=90))
    PickupEvent.objects.filter(order=yesterday, kind=PickupEvent.Kind.HANDED_OVER).update(
        created_at=timezone.now() - dt.timedelta(days=1)
    )
    assert [o.number for o in queue(leeds).collected_today] == [today.number]
