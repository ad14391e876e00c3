"""A delivery order is charged when it is dispatched; goods brought back to a counter after
the card was charged are refunded to the card through the gateway."""

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.instore import services as instore
from apps.instore.errors import InstoreError
from apps.order import statuses
from apps.pickup import services as pickup
from tests.factories import OrderFactory, UserFactory, pick_all

from .test_collect_payment import amounts, events


@pytest.fixture
def merchandiser(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def dispatch(client, order):
    return client.post(
        reverse("dashboard:order-detail", args=[order.number]),
        {"order_action": "change_order_status", "new_status": statuses.DISPATCHED},
        follow=True,
    )


@pytest.fixture
def delivery(shop):
    return OrderFactory(delivery=True, lines={shop["lamp"]: 2})


def test_a_delivery_order_is_authorised_when_placed_and_charged_when_dispatched(
    delivery, merchandiser, recording_gateway
):
    total = delivery.total_incl_tax  # two lamps and the delivery charge
    assert amounts(delivery) == (total, 0, 0)
    page = dispatch(merchandiser, delivery)
    assert "payment captured" in page.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == statuses.DISPATCHED
    assert amounts(delivery) == (total, total, 0)
    assert [call[0] for call in recording_gateway] == ["authorize", "capture"]
    assert events(delivery)[-1] == ("Captured", total, {"Desk Lamp": 2})


def test_a_dispatch_whose_capture_fails_leaves_the_order_placed_and_says_why(
    delivery, merchandiser, gateway_down
):
    page = dispatch(merchandiser, delivery).content.decode()
    assert f"Order {delivery.number} was not dispatched" in page
    assert "could not be captured" in page
    delivery.refresh_from_db()
    assert delivery.status == statuses.PLACED
    assert amounts(delivery) == (delivery.total_incl_tax, 0, 0)
    assert not delivery.status_changes.exists()


def test_the_dashboard_dispatch_is_refused_for_an_order_dispatched_already(
    shop, client, recording_gateway
):
    order = OrderFactory(delivery=True, lines={shop["lamp"]: 1})
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("dashboard:order-detail", args=[order.number])
    data = {"order_action": "change_order_status", "new_status": statuses.DISPATCHED}
    client.post(url, data)
    again = client.post(url, data, follow=True).content.decode()
    assert "it cannot be dispatched" in again
    assert [call[0] for call in recording_gateway] == ["authorize", "capture"]


def cancel(client, order):
    return client.post(
        reverse("dashboard:order-detail", args=[order.number]),
        {"order_action": "change_order_status", "new_status": statuses.CANCELLED},
        follow=True,
    )


def warehouse_allocated(shop) -> int:
    return shop["warehouse"].partner.stockrecords.get(product=shop["lamp"]).num_allocated


def test_a_delivery_order_cancelled_in_the_dashboard_releases_the_card_and_the_units(
    shop, delivery, merchandiser, recording_gateway
):
    assert warehouse_allocated(shop) == 2
    page = cancel(merchandiser, delivery).content.decode()
    assert "the card&#x27;s hold released" in page
    delivery.refresh_from_db()
    assert delivery.status == statuses.CANCELLED
    assert [call[0] for call in recording_gateway] == ["authorize", "void"]
    assert amounts(delivery)[1:] == (0, 0)  # never charged
    assert events(delivery)[-1][0] == "Voided"
    assert warehouse_allocated(shop) == 0  # back on sale


def test_a_cancel_whose_void_fails_leaves_the_order_placed_and_says_why(
    shop, delivery, merchandiser, void_down
):
    page = cancel(merchandiser, delivery).content.decode()
    assert f"Order {delivery.number} was not cancelled" in page
    assert "did not answer" in page
    delivery.refresh_from_db()
    assert delivery.status == statuses.PLACED
    assert warehouse_allocated(shop) == 2


@pytest.fixture
def collected(order, shop, staff):
    pickup.start_picking(order=order, by=staff)
    pick_all(order, staff)
    pickup.mark_ready(order=order, by=staff)
    pickup.hand_over(order=order, by=staff, code=order.pickup_code)
    return order


def test_a_counter_return_of_a_card_paid_order_refunds_the_card(
    collected, shop, staff, recording_gateway
):
    line = collected.lines.get()
    refund = instore.take_return(
        location=shop["leeds"], order=collected, quantities={line.pk: 1}, by=staff
    )
    assert refund == Decimal("10.00")
    assert recording_gateway[-1] == (
        "refund",
        Decimal("10.00"),
        f"omnishop-{collected.number}-refund-1",
    )
    assert amounts(collected) == (Decimal("20.00"), Decimal("20.00"), Decimal("10.00"))
    assert events(collected)[-1] == ("Refunded", Decimal("10.00"), {"Desk Lamp": 1})
    instore.take_return(location=shop["leeds"], order=collected, quantities={line.pk: 1}, by=staff)
    assert recording_gateway[-1][2] == f"omnishop-{collected.number}-refund-2"
    assert amounts(collected)[2] == Decimal("20.00")


def test_a_return_whose_refund_fails_takes_nothing_back(collected, shop, staff, gateway_down):
    line = collected.lines.get()
    with pytest.raises(InstoreError, match="could not be refunded.*Nothing was taken back"):
        instore.take_return(
            location=shop["leeds"], order=collected, quantities={line.pk: 1}, by=staff
        )
    assert not collected.counter_returns.exists()
    assert amounts(collected)[2] == 0


def test_a_till_sale_returned_is_paid_back_at_the_till_not_through_the_gateway(
    shop, staff, recording_gateway
):
    sale = OrderFactory(channel="store", store=shop["leeds"], lines={shop["lamp"]: 1}, by=staff)
    instore.take_return(
        location=shop["leeds"], order=sale, quantities={sale.lines.get().pk: 1}, by=staff
    )
    assert recording_gateway == []
    assert amounts(sale)[2] == 0
