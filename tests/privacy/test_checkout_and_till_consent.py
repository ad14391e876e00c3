"""Consent and the phone are offered at checkout (signed-in shoppers) and at the till, unticked;
a tick records consent with its source, no tick changes nothing."""

import pytest
from django.urls import reverse

from apps.profiles import consent
from apps.profiles.models import Profile
from tests.checkout.conftest import add_to_basket
from tests.factories import StoreStaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, shop):
    user = UserFactory(email="mo@example.com")
    client.force_login(user)
    add_to_basket(client, shop["lamp"])
    return user


def test_the_checkout_offers_consents_and_keeping_the_phone_all_unticked(client, signed_in):
    page = client.get(reverse("checkout:fulfilment")).content.decode()
    for name in ("keep_phone", "consent_email", "consent_sms", "consent_personalisation"):
        tag = page.split(f'name="{name}"')[1].split(">")[0]
        assert "checked" not in tag, name


def test_a_guest_is_offered_neither(client, shop):
    add_to_basket(client, shop["lamp"])
    client.post(reverse("checkout:index"), {"username": "g@example.com", "options": "anonymous"})
    page = client.get(reverse("checkout:fulfilment")).content.decode()
    assert 'name="keep_phone"' not in page and 'name="consent_email"' not in page


def test_ticks_at_checkout_keep_the_phone_and_record_consent_from_checkout(client, signed_in):
    client.post(
        reverse("checkout:fulfilment"),
        {
            "method": "collect",
            "store": "leeds",
            "name": "Mo",
            "phone": "07912 345678",
            "keep_phone": "on",
            "consent_personalisation": "on",
        },
    )
    assert str(Profile.objects.get(user=signed_in).phone) == "+447912345678"
    assert consent.current(signed_in) == {"email": False, "sms": False, "personalisation": True}
    assert [(c.channel, c.source) for c in consent.history(signed_in)] == [
        ("personalisation", "checkout")
    ]


def test_no_tick_keeps_nothing(client, signed_in):
    client.post(
        reverse("checkout:fulfilment"),
        {"method": "collect", "store": "leeds", "name": "Mo", "phone": "07912 345678"},
    )
    assert not Profile.objects.filter(user=signed_in, phone__gt="").exists()
    assert not consent.history(signed_in).exists()


def test_consent_given_at_the_till_is_recorded_with_the_till_as_source(client, shop):
    staff = StoreStaffFactory(location=shop["leeds"]).user
    customer = UserFactory(email="ada@example.com")
    client.force_login(staff)
    sale = reverse("console:sale", args=["leeds"])
    client.post(sale, {"action": "add", "product": shop["lamp"].pk})
    client.post(sale, {"action": "customer", "customer": "ada@example.com"})
    page = client.get(sale).content.decode()
    assert (
        'name="consent_email"' in page
        and "checked" not in page.split('name="consent_email"')[1].split(">")[0]
    )

    client.post(sale, {"action": "consent", "consent_email": "on"})

    assert consent.granted(customer, "email") and not consent.granted(customer, "sms")
    assert [(c.channel, c.source) for c in consent.history(customer)] == [("email", "till")]
