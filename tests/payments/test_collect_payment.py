"""A collect order's card payment follows the pickup: authorised when placed, captured at
handover for what is handed over (the rest released), voided when it never leaves the store."""

from decimal import Decimal

import pytest
from oscar.apps.payment.exceptions import UnableToTakePayment
from oscar.core.loading import get_model

from apps.checkout import order_payment
from apps.checkout import services as checkout
from apps.inventory.selectors import ledger_drift
from apps.order import statuses
from apps.pickup import selectors as pickup_selectors
from apps.pickup import services as pickup
from apps.shipping.methods import CollectInStore
from tests.factories import OrderFactory, UserFactory, pick_all

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")


def events(order) -> list[tuple[str, Decimal, dict]]:
    """The order's payment events, oldest first: (type, amount, {line title: units})."""
    return [
        (
            event.event_type.name,
            event.amount,
            {q.line.title: q.quantity for q in event.line_quantities.all()},
        )
        for event in order.payment_events.order_by("pk")
    ]


def amounts(order) -> tuple[Decimal, Decimal, Decimal]:
    """(set aside on the card, charged, refunded)."""
    source = order.sources.get()
    return source.amount_allocated, source.amount_debited, source.amount_refunded


def ready(order, staff):
    pickup.start_picking(order=order, by=staff)
    pick_all(order, staff)
    pickup.mark_ready(order=order, by=staff)


def test_placing_a_collect_order_authorises_the_card_and_charges_nothing(order, recording_gateway):
    assert recording_gateway == [("authorize", Decimal("20.00"), None)]
    assert amounts(order) == (Decimal("20.00"), 0, 0)
    assert events(order) == [("Authorised", Decimal("20.00"), {"Desk Lamp": 2})]
    assert order.sources.get().transactions.get().txn_type == "Authorise"


def test_a_short_pick_is_charged_only_for_what_is_handed_over_and_the_rest_released(
    order, shop, staff, recording_gateway
):
    pickup.start_picking(order=order, by=staff)
    pickup.short_pick(order=order, line=order.lines.get(), quantity=1, by=staff, reason="damaged")
    pick_all(order, staff)
    pickup.mark_ready(order=order, by=staff)
    assert amounts(order) == (Decimal("20.00"), 0, 0)  # nothing charged before the handover

    pickup.hand_over(order=order, by=staff, code=order.pickup_code)

    order.refresh_from_db()
    assert order.status == statuses.COLLECTED
    assert recording_gateway[1:] == [
        ("capture", Decimal("10.00"), f"omnishop-{order.number}-capture")
    ]
    assert amounts(order) == (Decimal("10.00"), Decimal("10.00"), 0)
    assert events(order)[1:] == [
        ("Captured", Decimal("10.00"), {"Desk Lamp": 1}),
        ("Voided", Decimal("10.00"), {"Desk Lamp": 1}),
    ]
    assert list(ledger_drift()) == []


def test_a_full_handover_captures_the_whole_authorisation(order, staff, recording_gateway):
    ready(order, staff)
    pickup.hand_over(order=order, by=staff, code=order.pickup_code)
    assert amounts(order) == (Decimal("20.00"), Decimal("20.00"), 0)
    assert [e[0] for e in events(order)] == ["Authorised", "Captured"]


def test_an_order_never_collected_is_voided_and_nothing_is_charged(order, staff, recording_gateway):
    ready(order, staff)
    pickup.mark_not_collected(order=order, now=pickup_selectors.collect_by(order))
    order.refresh_from_db()
    assert order.status == statuses.NOT_COLLECTED
    assert [call[0] for call in recording_gateway] == ["authorize", "void"]
    assert amounts(order) == (0, 0, 0)
    assert events(order)[1:] == [("Voided", Decimal("20.00"), {"Desk Lamp": 2})]


def test_the_shopper_cancelling_voids_the_authorisation(shop, recording_gateway):
    shopper = UserFactory()
    order = OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1}, user=shopper)
    pickup.cancel_by_shopper(order=order, by=shopper)
    assert [call[0] for call in recording_gateway] == ["authorize", "void"]
    assert amounts(order) == (0, 0, 0)
    assert [e[0] for e in events(order)] == ["Authorised", "Voided"]


def test_the_store_cancelling_voids_the_authorisation(order, staff, recording_gateway):
    pickup.start_picking(order=order, by=staff)
    pickup.cancel(order=order, by=staff, reason="damaged")
    assert amounts(order) == (0, 0, 0)
    assert [e[0] for e in events(order)] == ["Authorised", "Voided"]


def test_short_picking_every_unit_cancels_the_order_and_voids_the_payment(
    order, staff, recording_gateway
):
    pickup.start_picking(order=order, by=staff)
    pickup.short_pick(order=order, line=order.lines.get(), quantity=2, by=staff, reason="damaged")
    order.refresh_from_db()
    assert order.status == statuses.CANCELLED
    assert amounts(order) == (0, 0, 0)
    assert [call[0] for call in recording_gateway] == ["authorize", "void"]


def test_a_capture_that_fails_refuses_the_handover_and_changes_nothing(
    order, shop, staff, gateway_down, recording_gateway
):
    ready(order, staff)
    refused = "could not be captured \\(the card provider did not answer\\). Nothing was changed."
    with pytest.raises(pickup.PaymentFailed, match=refused):
        pickup.hand_over(order=order, by=staff, code=order.pickup_code)
    order.refresh_from_db()
    assert order.status == statuses.READY  # still waiting at the counter, handover can be retried
    assert order.lines.get().num_allocated == 2
    record = StockRecord.objects.get(partner=shop["leeds"].partner, product=shop["lamp"])
    assert (record.num_in_stock, record.num_allocated) == (2, 2)
    assert amounts(order) == (Decimal("20.00"), 0, 0)
    assert [e[0] for e in events(order)] == ["Authorised"]
    assert not order.pickup_events.filter(kind="handed_over").exists()


def test_capturing_twice_is_refused_and_charges_nothing_more(order, staff, recording_gateway):
    ready(order, staff)
    pickup.hand_over(order=order, by=staff, code=order.pickup_code)
    with pytest.raises(order_payment.PaymentRefused, match="captured already"):
        order_payment.capture(order=order)
    assert [call[0] for call in recording_gateway] == ["authorize", "capture"]
    assert amounts(order) == (Decimal("20.00"), Decimal("20.00"), 0)


def test_voiding_after_capture_is_refused(order, staff, recording_gateway):
    ready(order, staff)
    pickup.hand_over(order=order, by=staff, code=order.pickup_code)
    with pytest.raises(order_payment.PaymentRefused, match="refund it instead"):
        order_payment.void(order=order)
    assert [call[0] for call in recording_gateway] == ["authorize", "capture"]


def test_capturing_a_voided_payment_or_more_than_authorised_is_refused(order, recording_gateway):
    with pytest.raises(order_payment.PaymentRefused, match="up to £20.00, not £25.00"):
        order_payment.capture(order=order, amount=Decimal("25.00"))
    order_payment.void(order=order)
    with pytest.raises(order_payment.PaymentRefused, match="was voided"):
        order_payment.capture(order=order)
    assert [call[0] for call in recording_gateway] == ["authorize", "void"]


def test_a_declined_card_places_no_order_and_moves_no_stock(shop, settings):
    settings.OMNISHOP_PAYMENT_GATEWAY = "apps.checkout.payment.DecliningTestGateway"
    basket = checkout.fill_basket(
        owner=None, quantities={shop["lamp"].pk: 1}, location=shop["leeds"]
    )
    with pytest.raises(UnableToTakePayment, match="declined"):
        checkout.place_order(
            basket=basket,
            user=None,
            channel=Order.Channel.WEB,
            location=shop["leeds"],
            shipping_method=CollectInStore(),
            pickup=checkout.Pickup(store=shop["leeds"], name="Ann Other"),
            guest_email="guest@example.com",
        )
    assert not Order.objects.exists()
    record = StockRecord.objects.get(partner=shop["leeds"].partner, product=shop["lamp"])
    assert (record.num_in_stock, record.num_allocated) == (2, 0)
    assert list(ledger_drift()) == []


def test_a_payment_captured_in_part_is_neither_captured_again_nor_voided(
    order, staff, recording_gateway
):
    pickup.start_picking(order=order, by=staff)
    pickup.short_pick(order=order, line=order.lines.get(), quantity=1, by=staff, reason="damaged")
    pick_all(order, staff)
    pickup.mark_ready(order=order, by=staff)
    pickup.hand_over(order=order, by=staff, code=order.pickup_code)
    with pytest.raises(order_payment.PaymentRefused, match="captured already \\(£10.00\\)"):
        order_payment.capture(order=order)
    with pytest.raises(order_payment.PaymentRefused, match="refund it instead"):
        order_payment.void(order=order)
    assert [call[0] for call in recording_gateway] == ["authorize", "capture"]
