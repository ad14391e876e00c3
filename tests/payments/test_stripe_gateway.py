"""The Stripe adapter (PaymentIntents, manual capture) against Stripe's answers, replayed from
cassettes written from Stripe's documented objects: this machine cannot reach Stripe, so the
requests are matched in full (path, parameters, idempotency key) and never sent."""

import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from oscar.apps.payment.exceptions import GatewayError, UnableToTakePayment
from oscar.core.loading import get_model

from apps.checkout import services as checkout
from apps.checkout.payment import StripeGateway, minor_units
from apps.instore import services as instore
from apps.order import statuses
from apps.pickup import selectors as pickup_selectors
from apps.pickup import services as pickup
from apps.shipping.methods import CollectInStore
from tests.checkout.conftest import add_to_basket, choose_collect, start_guest_checkout
from tests.factories import pick_all

from .test_collect_payment import amounts, events

Order = get_model("order", "Order")


@pytest.fixture
def stripe_shop(settings):
    settings.OMNISHOP_PAYMENT_GATEWAY = "apps.checkout.payment.StripeGateway"
    settings.STRIPE_SECRET_KEY = "sk_test_omnishop"


@pytest.fixture
def stripe(stripe_shop):
    return StripeGateway()


@pytest.mark.vcr
def test_authorize_sets_the_amount_aside_and_charges_nothing(stripe):
    authorisation = stripe.authorize(
        order_number="100042",
        amount=Decimal("25.00"),
        currency="GBP",
        payment_method="pm_1QOmnishopVisa4242",
    )
    assert authorisation.reference == "pi_3QOmnishop0001AuthLamp"


@pytest.mark.vcr
def test_a_declined_card_is_refused_with_stripes_words(stripe):
    with pytest.raises(UnableToTakePayment, match="Your card was declined."):
        stripe.authorize(
            order_number="100044",
            amount=Decimal("25.00"),
            currency="GBP",
            payment_method="pm_card_chargeDeclined",
        )


@pytest.mark.vcr
def test_a_card_that_asks_for_3d_secure_is_refused_and_its_intent_cancelled(stripe):
    with pytest.raises(UnableToTakePayment, match="Nothing was charged"):
        stripe.authorize(
            order_number="100045",
            amount=Decimal("25.00"),
            currency="GBP",
            payment_method="pm_card_threeDSecure2Required",
        )


@pytest.mark.vcr
def test_capturing_part_charges_that_much_and_releases_the_rest(stripe):
    charge = stripe.capture(
        reference="pi_3QOmnishop0001AuthLamp",
        amount=Decimal("15.00"),
        currency="GBP",
        key="omnishop-100042-capture",
    )
    assert charge == "ch_3QOmnishop0001AuthLamp"


@pytest.mark.vcr
def test_a_capture_stripe_refuses_is_a_gateway_error(stripe):
    with pytest.raises(GatewayError, match="could not capture the payment: This PaymentIntent"):
        stripe.capture(
            reference="pi_3QOmnishop0001AuthLamp",
            amount=Decimal("25.00"),
            currency="GBP",
            key="omnishop-100042-capture",
        )


@pytest.mark.vcr
def test_voiding_cancels_the_payment_intent(stripe):
    assert stripe.void(reference="pi_3QOmnishop0002Abandon", key="omnishop-100043-void") == (
        "pi_3QOmnishop0002Abandon"
    )


@pytest.mark.vcr
def test_voiding_a_hold_stripe_already_let_lapse_is_done(stripe):
    """Stripe cancels a hold not captured within 7 days: an order not collected after that
    is voided all the same (nothing was charged), not stuck on Stripe's refusal."""
    assert stripe.void(reference="pi_3QOmnishop0001AuthLamp", key="omnishop-100042-void") == (
        "pi_3QOmnishop0001AuthLamp"
    )


@pytest.mark.vcr
def test_refunding_part_of_a_captured_payment(stripe):
    refund = stripe.refund(
        reference="pi_3QOmnishop0001AuthLamp",
        amount=Decimal("5.00"),
        currency="GBP",
        key="omnishop-100042-refund-1",
    )
    assert refund == "re_3QOmnishop0001Part"


def test_no_card_given_is_refused_before_asking_stripe(stripe):
    with pytest.raises(UnableToTakePayment, match="no card was given"):
        stripe.authorize(order_number="100046", amount=Decimal("1.00"), currency="GBP")


def test_amounts_go_to_stripe_in_the_currencys_smallest_unit():
    assert minor_units(Decimal("12.34"), "GBP") == 1234
    assert minor_units(Decimal("1500"), "JPY") == 1500


def place_two_lamps(shop):
    """A collect order of two lamps (2 x £10.00) paid by card, numbered as in the cassette."""
    basket = checkout.fill_basket(
        owner=None, quantities={shop["lamp"].pk: 2}, location=shop["leeds"]
    )
    return checkout.place_order(
        basket=basket,
        user=None,
        channel=Order.Channel.WEB,
        location=shop["leeds"],
        shipping_method=CollectInStore(),
        order_number="100042",
        pickup=checkout.Pickup(store=shop["leeds"], name="Ann Other"),
        guest_email="guest@example.com",
        payment_method="pm_1QOmnishopVisa4242",
    )


@pytest.mark.vcr
def test_a_collect_order_through_stripe_is_charged_for_what_is_handed_over(
    shop, staff, stripe_shop
):
    order = place_two_lamps(shop)
    assert order.sources.get().reference == "pi_3QOmnishop0042Flow"
    pickup.start_picking(order=order, by=staff)
    pickup.short_pick(order=order, line=order.lines.get(), quantity=1, by=staff, reason="damaged")
    pick_all(order, staff)
    pickup.mark_ready(order=order, by=staff)
    pickup.hand_over(order=order, by=staff, code=order.pickup_code)
    assert amounts(order) == (Decimal("10.00"), Decimal("10.00"), 0)

    line = order.lines.get()
    instore.take_return(location=shop["leeds"], order=order, quantities={line.pk: 1}, by=staff)

    assert events(order) == [
        ("Authorised", Decimal("20.00"), {"Desk Lamp": 2}),
        ("Captured", Decimal("10.00"), {"Desk Lamp": 1}),
        ("Voided", Decimal("10.00"), {"Desk Lamp": 1}),
        ("Refunded", Decimal("10.00"), {"Desk Lamp": 1}),
    ]
    assert order.payment_events.get(event_type__name="Refunded").reference == (
        "re_3QOmnishop0042Return"
    )
    assert amounts(order) == (Decimal("10.00"), Decimal("10.00"), Decimal("10.00"))


@pytest.mark.vcr
def test_an_order_not_collected_through_stripe_is_voided(shop, staff, stripe_shop):
    order = place_two_lamps(shop)
    pickup.start_picking(order=order, by=staff)
    pick_all(order, staff)
    pickup.mark_ready(order=order, by=staff)
    pickup.mark_not_collected(order=order, now=pickup_selectors.collect_by(order))
    order.refresh_from_db()
    assert order.status == statuses.NOT_COLLECTED
    assert amounts(order) == (0, 0, 0)
    assert [e[0] for e in events(order)] == ["Authorised", "Voided"]


def test_the_stripe_gateway_without_a_secret_key_is_refused(settings):
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="STRIPE_SECRET_KEY"):
        StripeGateway()


#: Loads the settings and prints the content security policy's frame-src, as JSON.
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps(s.CONTENT_SECURITY_POLICY['DIRECTIVES'].get('frame-src', [])))"
)


def start_shop(**env):
    clean = {k: v for k, v in os.environ.items() if k != "STRIPE_SECRET_KEY"}
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        env=clean,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


def test_the_shop_will_not_start_with_the_stripe_gateway_and_no_key():
    refused = start_shop(PAYMENT_GATEWAY="apps.checkout.payment.StripeGateway")
    assert refused.returncode != 0
    assert "set STRIPE_SECRET_KEY" in refused.stderr


def test_with_its_key_the_stripe_gateway_lets_stripe_elements_frame_the_card_field():
    started = start_shop(
        PAYMENT_GATEWAY="apps.checkout.payment.StripeGateway", STRIPE_SECRET_KEY="sk_test_x"
    )
    assert started.returncode == 0, started.stderr
    assert "https://js.stripe.com" in json.loads(started.stdout.strip().splitlines()[-1])
    assert json.loads(start_shop().stdout.strip().splitlines()[-1]) == []


def test_the_web_payment_step_with_stripe_needs_the_card_from_stripe_elements(
    shop, client, stripe_shop, settings
):
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_omnishop"
    add_to_basket(client, shop["lamp"])
    start_guest_checkout(client)
    choose_collect(client, "leeds")
    step = client.get(reverse("checkout:payment-details")).content.decode()
    assert 'id="card-element"' in step and 'data-key="pk_test_omnishop"' in step
    missing = client.post(reverse("checkout:preview"), {"payment": "card"})
    assert "Enter your card details." in missing.content.decode()
    given = client.post(
        reverse("checkout:preview"), {"payment": "card", "payment_method": "pm_1QOmnishopVisa4242"}
    )
    assert given["Location"] == reverse("checkout:preview")
    assert client.session["checkout_data"]["payment"]["card"] == "pm_1QOmnishopVisa4242"
