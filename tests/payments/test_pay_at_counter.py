"""Pay at the counter: a collect order with nothing taken online, shown so in the console, and
handed over only once staff record the till payment."""

from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from apps.checkout import order_payment
from apps.checkout import services as checkout
from apps.order import statuses
from apps.pickup import services as pickup
from apps.shipping.methods import CollectInStore
from tests.api.conftest import api_client
from tests.checkout.conftest import add_to_basket, choose_collect, place_order, start_guest_checkout
from tests.factories import UserFactory, pick_all

from .test_collect_payment import amounts, events

Order = get_model("order", "Order")


def place_to_pay_at_counter(shop, units=2):
    basket = checkout.fill_basket(
        owner=None, quantities={shop["lamp"].pk: units}, location=shop["leeds"]
    )
    return checkout.place_order(
        basket=basket,
        user=None,
        channel=Order.Channel.WEB,
        location=shop["leeds"],
        shipping_method=CollectInStore(),
        pickup=checkout.Pickup(store=shop["leeds"], name="Ann Other"),
        guest_email="guest@example.com",
        pay_at_counter=True,
    )


@pytest.fixture
def at_counter(shop, staff):
    """A ready order of two lamps, to pay at the counter."""
    order = place_to_pay_at_counter(shop)
    pickup.start_picking(order=order, by=staff)
    pick_all(order, staff)
    pickup.mark_ready(order=order, by=staff)
    return order


def test_nothing_is_authorised_online(shop, recording_gateway):
    order = place_to_pay_at_counter(shop)
    assert recording_gateway == []
    assert amounts(order) == (0, 0, 0)
    assert events(order) == []
    assert order_payment.payment_state(order).to_pay_at_counter


def test_handing_over_without_the_till_payment_is_refused(at_counter, staff):
    with pytest.raises(pickup.PaymentFailed, match="take £20.00 at the till and record it"):
        pickup.hand_over(order=at_counter, by=staff, code=at_counter.pickup_code)
    at_counter.refresh_from_db()
    assert at_counter.status == statuses.READY
    assert at_counter.lines.get().num_allocated == 2


def test_the_till_payment_recorded_at_handover_completes_it(at_counter, staff, recording_gateway):
    pickup.hand_over(
        order=at_counter,
        by=staff,
        code=at_counter.pickup_code,
        paid_at_till=True,
        till_reference="  AUTH 991 ",
    )
    at_counter.refresh_from_db()
    assert at_counter.status == statuses.COLLECTED
    assert amounts(at_counter) == (Decimal("20.00"), Decimal("20.00"), 0)
    assert events(at_counter) == [("Settled", Decimal("20.00"), {"Desk Lamp": 2})]
    assert at_counter.sources.get().reference == "AUTH 991"
    assert recording_gateway == []  # no card provider involved


def test_after_a_short_pick_the_counter_takes_only_what_is_handed_over(shop, staff):
    order = place_to_pay_at_counter(shop)
    pickup.start_picking(order=order, by=staff)
    pickup.short_pick(order=order, line=order.lines.get(), quantity=1, by=staff, reason="damaged")
    pick_all(order, staff)
    pickup.mark_ready(order=order, by=staff)
    with pytest.raises(pickup.PaymentFailed, match="take £10.00 at the till"):
        pickup.hand_over(order=order, by=staff, code=order.pickup_code)
    pickup.hand_over(order=order, by=staff, code=order.pickup_code, paid_at_till=True)
    assert events(order) == [("Settled", Decimal("10.00"), {"Desk Lamp": 1})]
    assert order.sources.get().reference == f"TILL-{order.number}"


def test_an_order_paid_online_takes_nothing_at_the_till(order, staff):
    pickup.start_picking(order=order, by=staff)
    pick_all(order, staff)
    pickup.mark_ready(order=order, by=staff)
    with pytest.raises(pickup.PaymentFailed, match="paid online: take nothing at the till"):
        pickup.hand_over(order=order, by=staff, code=order.pickup_code, paid_at_till=True)
    assert amounts(order) == (Decimal("20.00"), 0, 0)


def test_cancelling_an_order_to_pay_at_the_counter_asks_nothing_of_the_gateway(
    shop, staff, recording_gateway
):
    order = place_to_pay_at_counter(shop)
    pickup.cancel(order=order, by=staff, reason="damaged")
    assert recording_gateway == [] and amounts(order) == (0, 0, 0)


def test_the_console_says_to_pay_at_the_counter_and_records_the_till_payment(
    at_counter, staff, client
):
    client.force_login(staff)
    page = reverse("console:order", args=["leeds", at_counter.number])
    shown = " ".join(client.get(page).content.decode().split())
    assert "To pay at the counter: £20.00" in shown
    assert 'name="paid_at_till"' in shown

    url = reverse("console:action", args=["leeds", at_counter.number, "hand-over"])
    refused = client.post(url, {"code": at_counter.pickup_code}, follow=True)
    assert "is to pay at the counter: take £20.00 at the till" in refused.content.decode()
    done = client.post(
        url,
        {"code": at_counter.pickup_code, "paid_at_till": "on", "till_reference": "T-77"},
        follow=True,
    )
    assert "Handed over. Order collected." in done.content.decode()
    assert "Paid at the till: £20.00 (T-77)" in " ".join(done.content.decode().split())


def test_the_console_api_hands_over_with_the_till_payment(at_counter, staff):
    url = reverse("api:hand-over", args=["leeds", at_counter.number])
    client = api_client(staff)
    shown = client.get(reverse("api:order", args=["leeds", at_counter.number])).json()
    assert shown["payment"] == {
        "summary": "To pay at the counter: £20.00",
        "to_pay_at_counter": True,
    }
    refused = client.post(url, {"code": at_counter.pickup_code}, format="json")
    assert refused.status_code == 422, refused.content
    assert "to pay at the counter" in refused.json()["errors"][0]["detail"]
    done = client.post(url, {"code": at_counter.pickup_code, "paid_at_till": True}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == statuses.COLLECTED
    assert (
        done.json()["payment"]["summary"] == f"Paid at the till: £20.00 (TILL-{at_counter.number})"
    )


def test_the_web_checkout_offers_pay_at_the_counter_for_collect(shop, client, recording_gateway):
    add_to_basket(client, shop["lamp"])
    start_guest_checkout(client)
    choose_collect(client, "leeds")
    step = client.get(reverse("checkout:payment-details"))
    assert 'value="counter"' in step.content.decode()
    chosen = client.post(reverse("checkout:preview"), {"payment": "counter"})
    assert chosen.status_code == 302 and chosen["Location"] == reverse("checkout:preview")
    preview = " ".join(client.get(reverse("checkout:preview")).content.decode().split())
    assert "Nothing is taken online: you pay at Omnishop Leeds when you collect" in preview
    assert place_order(client)["Location"] == reverse("checkout:thank-you")
    thanks = client.get(reverse("checkout:thank-you")).content.decode()
    assert "To pay at the counter when you collect: £10.00. Nothing was taken online." in thanks
    order = Order.objects.get()
    assert order_payment.payment_state(order).to_pay_at_counter
    assert recording_gateway == []


def test_the_api_collect_checkout_can_leave_payment_to_the_counter(shop, recording_gateway):
    shopper = UserFactory()
    response = api_client(shopper).post(
        reverse("api:checkout-collect"),
        {"store": "leeds", "lines": [{"upc": "LAMP-1", "quantity": 1}], "pay_at_counter": True},
        format="json",
    )
    assert response.status_code == 201, response.content
    order = Order.objects.get(number=response.json()["number"])
    assert order_payment.payment_state(order).to_pay_at_counter
    assert recording_gateway == []
