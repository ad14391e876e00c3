"""Ship to store: an order placed at a store that lacks a line waits for the transfer that
brings it, goes to picking when it is received, and is handed over as any other; the ledger
is right at both ends, and calling it off before the receipt puts every unit back."""

import pytest
from django.core.exceptions import PermissionDenied
from oscar.core.loading import get_model

from apps.checkout import order_payment
from apps.checkout import services as checkout
from apps.inventory import services as stock
from apps.inventory.models import StockMovement, Transfer
from apps.inventory.selectors import ledger_drift
from apps.order import statuses
from apps.order.selectors import pickup_progress
from apps.pickup import selectors as pickup_selectors
from apps.pickup import services as pickup
from apps.routing.models import RoutingDecision
from apps.routing.policies import NearestWithEverything
from apps.routing.selectors import incoming_orders, route_to_store
from apps.shipping.methods import CollectInStore
from tests.factories import StoreStaffFactory, UserFactory, pick_all

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")


def figures(location, product):
    """(on hand, allocated) of a product at a location."""
    record = StockRecord.objects.get(partner_id=location.partner_id, product=product)
    return record.num_in_stock, record.num_allocated


def place_shipped_order(net, *, user=None, lamps=1):
    """A web collect order at Leeds for a lamp (on its shelf) and two kettles (from York)."""
    user = user or UserFactory()
    wanted = {net["lamp"].pk: lamps, net["kettle"].pk: 2} if lamps else {net["kettle"].pk: 2}
    route = route_to_store(net["leeds"], wanted, policy=NearestWithEverything())
    basket = checkout.fill_basket(owner=user, quantities=wanted, location=net["leeds"])
    return checkout.place_order(
        basket=basket,
        user=user,
        channel=Order.Channel.WEB,
        location=net["leeds"],
        shipping_method=CollectInStore(),
        pickup=checkout.Pickup(net["leeds"], "Ann Other"),
        route=route,
    )


def test_a_shipped_order_waits_for_its_transfer_then_is_picked_and_handed_over(net):
    order = place_shipped_order(net)
    assert order.status == statuses.AWAITING_TRANSFER
    assert order.ready_by is not None
    # The kettles are promised at York, under the transfer planned to Leeds; the lamp at Leeds.
    assert figures(net["york"], net["kettle"]) == (3, 2)
    assert figures(net["leeds"], net["lamp"]) == (5, 1)
    transfer = Transfer.objects.get()
    assert (transfer.source, transfer.destination) == (net["york"], net["leeds"])
    assert transfer.state == Transfer.State.CREATED
    assert [(line.product, line.quantity) for line in transfer.lines.all()] == [(net["kettle"], 2)]
    decisions = {d.source.code: d for d in RoutingDecision.objects.filter(order=order)}
    assert decisions["york"].transfer == transfer and decisions["york"].rule == "nearest"
    assert [e["title"] for e in decisions["york"].lines] == ["Kettle"]
    assert decisions["leeds"].transfer is None

    leeds_staff = StoreStaffFactory(location=net["leeds"]).user
    queue = pickup_selectors.queue(net["leeds"])
    assert order not in queue.to_pick and order in queue.incoming
    assert [d.order for d in incoming_orders(net["leeds"])] == [order]
    with pytest.raises(pickup.WrongState):
        pickup.start_picking(order=order, by=leeds_staff)

    york_staff = StoreStaffFactory(location=net["york"]).user
    stock.ship_transfer(transfer=transfer, by=york_staff)
    assert figures(net["york"], net["kettle"]) == (1, 0)  # they left with the transfer
    order.refresh_from_db()
    assert order.status == statuses.AWAITING_TRANSFER

    assert [(s.label, s.done) for s in pickup_progress(order)][:3] == [
        ("Placed", True),
        ("Arrived at the store", False),
        ("Picking", False),
    ]
    stock.receive_transfer(transfer=transfer, by=leeds_staff)
    order.refresh_from_db()
    assert order.status == statuses.PLACED
    assert [(s.label, s.done) for s in pickup_progress(order)][1] == ("Arrived at the store", True)
    assert figures(net["leeds"], net["kettle"]) == (2, 2)  # arrived, promised to the order
    assert order in pickup_selectors.queue(net["leeds"]).to_pick

    pickup.start_picking(order=order, by=leeds_staff)
    pick_all(order, leeds_staff)
    pickup.mark_ready(order=order, by=leeds_staff)
    pickup.hand_over(order=order, by=leeds_staff, code=order.pickup_code)
    order.refresh_from_db()
    assert order.status == statuses.COLLECTED
    assert figures(net["leeds"], net["kettle"]) == (0, 0)
    assert figures(net["leeds"], net["lamp"]) == (4, 0)
    assert figures(net["york"], net["kettle"]) == (1, 0)
    assert list(ledger_drift()) == []
    assert (
        StockMovement.objects.filter(transfer_id=transfer.reference, order=order)
        .exclude(location=net["york"])
        .get()
        .reason
        == StockMovement.Reason.ALLOCATION
    )


def test_the_sources_promised_units_are_not_sold_to_anyone_else(net):
    place_shipped_order(net)  # York's 3 kettles: 2 promised to it
    with pytest.raises(stock.InsufficientStock):
        checkout.sell_at_till(
            location=net["york"],
            quantities={net["kettle"].pk: 2},
            by=StoreStaffFactory(location=net["york"]).user,
        )


def test_a_transfer_that_loses_units_on_the_way_promises_only_what_arrived(net):
    order = place_shipped_order(net)
    transfer = Transfer.objects.get()
    stock.ship_transfer(transfer=transfer)
    stock.receive_transfer(transfer=transfer, received={net["kettle"].pk: 1})
    kettle = order.lines.get(product=net["kettle"])
    assert kettle.num_allocated == 1
    assert figures(net["leeds"], net["kettle"]) == (1, 1)
    assert list(ledger_drift()) == []
    lost = order.pickup_events.get(kind="short_pick")  # the shopper is told, not charged
    assert (lost.line, lost.quantity) == (kettle, 1)
    assert lost.detail["note"] == f"Did not arrive with transfer {transfer.number}"
    order.refresh_from_db()
    assert order.status == statuses.PLACED  # the lamp and one kettle to pick


def test_an_order_whose_units_all_went_missing_on_the_way_is_cancelled_and_not_charged(net):
    order = place_shipped_order(net, lamps=0)
    transfer = Transfer.objects.get()
    stock.ship_transfer(transfer=transfer)
    stock.receive_transfer(transfer=transfer, received={net["kettle"].pk: 0})
    order.refresh_from_db()
    assert order.status == statuses.CANCELLED
    payment = order_payment.payment_state(order)
    assert payment.voided and payment.captured == 0
    assert list(ledger_drift()) == []


def test_cancelled_before_it_ships_every_unit_is_back_on_sale_where_it_was(net):
    order = place_shipped_order(net)
    transfer = Transfer.objects.get()
    pickup.cancel_by_shopper(order=order, by=order.user)
    order.refresh_from_db()
    transfer.refresh_from_db()
    assert order.status == statuses.CANCELLED
    assert transfer.state == Transfer.State.CANCELLED
    assert figures(net["york"], net["kettle"]) == (3, 0)
    assert figures(net["leeds"], net["lamp"]) == (5, 0)
    assert list(ledger_drift()) == []
    assert ("Arrived at the store", False) in [(s.label, s.done) for s in pickup_progress(order)]
    payment = order_payment.payment_state(order)
    assert payment.voided and payment.captured == 0  # the card's hold released


def test_a_transfer_carrying_an_orders_units_is_not_cancelled_on_its_own(net):
    order = place_shipped_order(net)
    transfer = Transfer.objects.get()
    with pytest.raises(stock.TransferStateError, match="cancel the order"):
        stock.cancel_transfer(transfer=transfer)
    transfer.refresh_from_db()
    assert transfer.state == Transfer.State.CREATED
    assert figures(net["york"], net["kettle"]) == (3, 2)  # still promised to the order
    pickup.cancel_by_shopper(order=order, by=order.user)  # the order's cancel calls it off
    transfer.refresh_from_db()
    assert transfer.state == Transfer.State.CANCELLED


def test_cancelled_on_the_way_the_units_arrive_on_sale_at_the_store(net):
    order = place_shipped_order(net)
    transfer = Transfer.objects.get()
    stock.ship_transfer(transfer=transfer)
    leeds_staff = StoreStaffFactory(location=net["leeds"]).user
    pickup.cancel(order=order, by=leeds_staff, reason="customer asked")
    order.refresh_from_db()
    assert order.status == statuses.CANCELLED
    assert [line.num_allocated for line in order.lines.all()] == [0, 0]
    assert figures(net["leeds"], net["lamp"]) == (5, 0)
    stock.receive_transfer(transfer=transfer, by=leeds_staff)
    order.refresh_from_db()
    assert order.status == statuses.CANCELLED
    assert figures(net["leeds"], net["kettle"]) == (2, 0)  # on sale at Leeds now
    assert figures(net["york"], net["kettle"]) == (1, 0)
    assert list(ledger_drift()) == []


def test_staff_of_another_store_cannot_cancel_an_order_on_its_way(net):
    order = place_shipped_order(net)
    with pytest.raises(PermissionDenied):
        pickup.cancel(
            order=order, by=StoreStaffFactory(location=net["york"]).user, reason="customer asked"
        )


def test_an_order_that_takes_everything_off_the_shelf_records_why(net):
    user = UserFactory()
    wanted = {net["lamp"].pk: 2}
    route = route_to_store(net["leeds"], wanted, policy=NearestWithEverything())
    basket = checkout.fill_basket(owner=user, quantities=wanted, location=net["leeds"])
    order = checkout.place_order(
        basket=basket,
        user=user,
        channel=Order.Channel.WEB,
        location=net["leeds"],
        shipping_method=CollectInStore(),
        pickup=checkout.Pickup(net["leeds"], "Ann Other"),
        route=route,
    )
    assert order.status == statuses.PLACED
    decision = RoutingDecision.objects.get(order=order)
    assert (decision.rule, decision.source, decision.location) == (
        "on-the-shelf",
        net["leeds"],
        net["leeds"],
    )
    assert decision.reason == "Omnishop Leeds has Desk Lamp ×2 on its shelves"
    assert decision.lines == [
        {"line": order.lines.get().pk, "product": net["lamp"].pk, "title": "Desk Lamp", "units": 2}
    ]


def test_orders_of_every_channel_record_where_their_units_come_from(net):
    from tests.factories import OrderFactory

    till = OrderFactory(channel="store", store=net["york"], lines={net["kettle"]: 1})
    delivery = OrderFactory(delivery=True, lines={net["lamp"]: 1})
    rules = {
        o.number: (d.rule, d.source.code, d.reason)
        for o in (till, delivery)
        for d in o.routing_decisions.all()
    }
    assert rules == {
        till.number: ("till", "york", "Sold at the till at Omnishop York"),
        delivery.number: ("warehouse", "web", "Sent from Online warehouse"),
    }
