"""The order factory builds real orders: placed and moved on through the domain services, their
stock in the ledger, in every pickup state and every channel."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from apps.inventory.models import StockMovement
from apps.inventory.selectors import ledger_drift, movements_without_source
from apps.order import statuses
from apps.pickup.models import PickupEvent
from apps.stores.models import StoreStaff
from tests.factories import OrderFactory, UserFactory, stock

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
Reason = StockMovement.Reason


def figures(location, product):
    """(on hand, allocated) of the product at the location."""
    record = StockRecord.objects.get(partner=location.partner, product=product)
    return record.num_in_stock, record.num_allocated


def assert_ledger_balances():
    assert list(ledger_drift()) == []
    assert not movements_without_source().exists()


@pytest.fixture
def stocked(warehouse, store, product):
    """Five lamps at the store, ten at the warehouse (whose record gives the price)."""
    stock(warehouse, product, 10)
    stock(store, product, 5)
    return store, product


#: status -> (on hand, allocated at the store, units the line still promises, pickup events)
PICKUP_STATES = {
    statuses.PLACED: (5, 2, 2, []),
    statuses.PICKING: (5, 2, 2, ["picking"]),
    statuses.READY: (5, 2, 2, ["picking", "line_picked", "ready"]),
    statuses.COLLECTED: (3, 0, 0, ["picking", "line_picked", "ready", "handed_over"]),
    statuses.CANCELLED: (5, 0, 0, ["cancelled"]),
    statuses.NOT_COLLECTED: (5, 0, 0, ["picking", "line_picked", "ready", "not_collected"]),
}


@pytest.mark.parametrize("status", list(PICKUP_STATES))
def test_a_web_pickup_order_in_each_state(stocked, status):
    store, product = stocked
    order = OrderFactory(store=store, lines={product: 2}, status=status)
    on_hand, allocated, promised, events = PICKUP_STATES[status]
    assert (order.channel, order.status) == (Order.Channel.WEB, status)
    assert order.pickup_location == store and order.is_pickup
    assert order.user is None and order.guest_email == "guest@example.com"
    assert (order.pickup_name, order.pickup_phone) == ("Ann Other", "")
    assert order.pickup_code and order.ready_by is not None
    assert order.pickup_code_is_live == (status in statuses.OPEN_PICKUP)
    assert order.shipping_address is None and order.shipping_incl_tax == 0
    line = order.lines.get()
    assert (line.product, line.quantity, line.num_allocated) == (product, 2, promised)
    assert line.partner == store.partner  # allocated at the store
    assert order.total_incl_tax == Decimal("20.00")
    source = order.sources.get()  # authorised when placed, charged only once handed over
    charged = Decimal("20.00") if status == statuses.COLLECTED else 0
    held = 0 if status in (statuses.CANCELLED, statuses.NOT_COLLECTED) else Decimal("20.00")
    assert (source.amount_allocated, source.amount_debited) == (held, charged)
    assert list(order.pickup_events.values_list("kind", flat=True)) == events
    assert figures(store, product) == (on_hand, allocated)
    assert_ledger_balances()


def test_a_pickup_order_is_moved_on_by_the_staff_member_given(stocked):
    store, product = stocked
    manager = UserFactory(is_superuser=True)
    order = OrderFactory(store=store, lines={product: 1}, status=statuses.COLLECTED, by=manager)
    assert set(order.pickup_events.values_list("user", flat=True)) == {manager.pk}
    assert order.pickup_events.last().detail == {
        "collected_by": "Ann Other",
        "id_checked": False,
        "code_checked": True,
    }
    assert not StoreStaff.objects.exists()  # no associate made when one is given


def test_a_pickup_order_for_an_account_holder_with_a_phone(stocked):
    store, product = stocked
    shopper = UserFactory(email="shona@example.com", first_name="Shona", last_name="Reid")
    order = OrderFactory(
        store=store,
        lines={product.pk: 1},
        user=shopper,
        status=statuses.READY,
        pickup_phone="07911 123456",
    )
    assert (order.user, order.guest_email) == (shopper, "")
    assert (order.pickup_name, order.pickup_phone) == ("Shona Reid", "+447911123456")
    assert order.status == statuses.READY
    assert figures(store, product) == (5, 1)
    assert_ledger_balances()


@pytest.mark.parametrize("status", [statuses.PLACED, statuses.READY, statuses.COLLECTED])
def test_an_api_pickup_order(stocked, status):
    store, product = stocked
    order = OrderFactory(channel="api", store=store, lines={product: 2}, status=status)
    on_hand, allocated, promised, events = PICKUP_STATES[status]
    assert (order.channel, order.status) == (Order.Channel.API, status)
    assert order.user is not None and order.guest_email == ""
    assert order.pickup_location == store and order.pickup_code
    assert order.pickup_name == order.user.get_full_name()
    assert order.lines.get().num_allocated == promised
    assert list(order.pickup_events.values_list("kind", flat=True)) == events
    assert figures(store, product) == (on_hand, allocated)
    assert_ledger_balances()


@pytest.mark.parametrize("channel", ["web", "api"])
def test_a_home_delivery_order_is_allocated_at_the_warehouse(stocked, warehouse, channel):
    store, product = stocked
    order = OrderFactory(channel=channel, delivery=True, lines={product: 3})
    assert (order.channel, order.status) == (channel, statuses.PLACED)
    assert not order.is_pickup and order.pickup_code is None
    assert order.shipping_address.postcode == "LS1 5AB"
    assert order.shipping_incl_tax == Decimal("4.99")
    assert order.total_incl_tax == Decimal("34.99")
    assert order.lines.get().partner == warehouse.partner
    assert figures(warehouse, product) == (10, 3)
    assert figures(store, product) == (5, 0)
    assert_ledger_balances()


def test_a_till_sale_is_completed_and_sold_from_the_store(stocked):
    store, product = stocked
    shopper = UserFactory(email="shona@example.com")
    order = OrderFactory(channel="store", store=store, lines={product: 2}, user=shopper)
    assert (order.channel, order.status) == (Order.Channel.STORE, statuses.COMPLETED)
    assert order.user == shopper and not order.is_pickup and order.pickup_code is None
    assert order.till_sale.location == store
    assert StoreStaff.objects.get(user=order.till_sale.user).location == store
    assert order.lines.get().num_allocated == 0
    assert figures(store, product) == (3, 0)
    assert order.sources.get().reference == f"TILL-{order.number}"
    assert_ledger_balances()


def test_an_anonymous_till_sale_sends_its_receipt_to_the_email_given(stocked):
    store, product = stocked
    order = OrderFactory(channel="store", store=store, lines={product: 1}, guest_email="a@b.com")
    assert (order.user, order.guest_email) == (None, "a@b.com")
    assert figures(store, product) == (4, 0)


def test_with_nothing_given_it_makes_a_store_a_product_and_the_stock(db):
    order = OrderFactory()
    assert (order.channel, order.status) == (Order.Channel.WEB, statuses.PLACED)
    line = order.lines.get()
    assert line.quantity == 1 and line.line_price_incl_tax == Decimal("10.00")
    assert figures(order.pickup_location, line.product) == (1, 1)
    movement = StockMovement.objects.get(reason=Reason.RECEIPT)
    assert movement.location == order.pickup_location and movement.on_hand_delta == 1
    assert_ledger_balances()
    assert OrderFactory(status=statuses.COLLECTED).status == statuses.COLLECTED
    assert OrderFactory(channel="store").status == statuses.COMPLETED
    assert OrderFactory(delivery=True).channel == Order.Channel.WEB
    assert_ledger_balances()


def test_a_product_without_stock_is_given_what_the_order_needs(store, product):
    order = OrderFactory(store=store, lines={product: 2}, status=statuses.READY)
    assert order.status == statuses.READY
    assert figures(store, product) == (2, 2)
    assert_ledger_balances()


def test_without_restock_a_shortage_is_refused_like_at_any_door(stocked):
    from apps.inventory.services import InsufficientStock

    store, product = stocked
    with pytest.raises(InsufficientStock):
        OrderFactory(store=store, lines={product: 6}, restock=False)
    assert not Order.objects.exists() and figures(store, product) == (5, 0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"status": statuses.COMPLETED},
        {"channel": "store", "status": statuses.READY},
        {"delivery": True, "status": statuses.READY},
        {"channel": "api", "user": None},
        {"pickup_phone": "call me"},
    ],
    ids=["web-completed", "till-ready", "delivery-ready", "api-guest", "bad-phone"],
)
def test_an_order_no_door_could_make_is_refused(stocked, kwargs):
    store, product = stocked
    given = {"lines": {product: 1}, **({} if kwargs.get("delivery") else {"store": store})}
    with pytest.raises(ValueError):
        OrderFactory(**given, **kwargs)
    assert not Order.objects.exists() and figures(store, product) == (5, 0)


def test_events_are_the_services_own(stocked):
    store, product = stocked
    order = OrderFactory(store=store, lines={product: 1}, status=statuses.NOT_COLLECTED)
    event = PickupEvent.objects.get(order=order, kind=PickupEvent.Kind.NOT_COLLECTED)
    assert event.user is None  # the shop's own sweep, after the holding days
    assert event.refund == order.total_incl_tax
