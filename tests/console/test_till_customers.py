"""The customer at the till: found by e-mail, phone or their account card, and named on the
sale, its order and its receipt; a guest's e-mail still gets the receipt."""

import html
import re

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from oscar.core.loading import get_model

from apps.profiles import cards
from apps.profiles.models import Profile
from tests.factories import StoreStaffFactory, UserFactory

Order = get_model("order", "Order")


def text(response):
    content = response if isinstance(response, str) else response.content.decode()
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", content).split()))


@pytest.fixture
def till(shop, client):
    client.force_login(StoreStaffFactory(location=shop["leeds"]).user)
    url = reverse("console:sale", args=["leeds"])
    client.get(url, {"q": "LAMP-1"})
    return url


@pytest.fixture
def shona(db):
    shopper = UserFactory(email="shona@example.com", first_name="Shona", last_name="Shopper")
    Profile.objects.create(user=shopper, phone="+447911123456")
    return shopper


def attach(client, till, typed):
    return text(client.post(till, {"action": "customer", "customer": typed}, follow=True))


def pay_cash(client, till):
    return text(
        client.post(till, {"action": "complete", "tender": "cash", "tendered": "10"}, follow=True)
    )


@pytest.mark.parametrize(
    "typed",
    ["SHONA@example.com", "07911 123456", "+44 7911 123456"],
    ids=["email", "phone", "intl"],
)
def test_a_customer_found_by_email_or_phone_is_attached_by_name(
    shop, client, till, shona, typed, django_capture_on_commit_callbacks
):
    assert "Shona Shopper shona@example.com Remove customer" in attach(client, till, typed)
    with django_capture_on_commit_callbacks(execute=True):
        receipt = pay_cash(client, till)
    order = Order.objects.get()
    assert order.user == shona and order.guest_email == ""
    assert "Customer: Shona Shopper" in receipt
    assert re.search(r"Receipt (e-mailed|on its way) to shona@example\.com\.", receipt)
    assert [m.to for m in mail.outbox] == [["shona@example.com"]]
    client.force_login(shona)
    assert order.number in client.get(reverse("customer:order-list")).content.decode()


def test_a_scanned_account_card_attaches_its_holder(shop, client, till, shona):
    assert "Shona Shopper shona@example.com" in attach(client, till, cards.card_token(shona))
    pay_cash(client, till)
    assert Order.objects.get().user == shona


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token, other: token.replace(f"-{other.pk - 1}:", f"-{other.pk}:"),  # another id
        lambda token, other: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature
        lambda token, other: f"OMNICARD-{other.pk}",  # no signature at all
    ],
    ids=["other-account", "signature", "unsigned"],
)
def test_a_tampered_account_card_is_refused_and_attaches_nobody(shop, client, till, shona, tamper):
    other = UserFactory(email="other@example.com")
    assert other.pk == shona.pk + 1
    page = attach(client, till, tamper(cards.card_token(shona), other))
    assert (
        "That account card was not issued by us or has been altered. "
        "Ask for their e-mail or phone instead." in page
    )
    assert "Remove customer" not in page
    pay_cash(client, till)
    assert Order.objects.get().user is None


def test_a_card_of_a_closed_account_is_refused(shop, client, till, shona):
    token = cards.card_token(shona)
    shona.is_active = False
    shona.save()
    assert "That account card belongs to a closed account." in attach(client, till, token)


def test_a_guest_email_without_an_account_still_gets_the_receipt(
    shop, client, till, django_capture_on_commit_callbacks
):
    assert "Receipt to walkin@example.com (no account)" in attach(
        client, till, "walkin@example.com"
    )
    with django_capture_on_commit_callbacks(execute=True):
        receipt = pay_cash(client, till)
    order = Order.objects.get()
    assert (order.user, order.guest_email) == (None, "walkin@example.com")
    assert "Customer: walkin@example.com" in receipt
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["walkin@example.com"]
    assert f"Order {order.number}" in mail.outbox[0].body
    assert "Paid in cash: £10.00" in mail.outbox[0].body


def test_an_unknown_phone_is_refused_and_the_sale_kept(shop, client, till):
    page = attach(client, till, "07912 345678")
    assert "No customer has the phone 07912 345678" in page
    assert "Desk Lamp" in page and not Order.objects.exists()


def test_no_customer_no_email(shop, client, till, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        receipt = pay_cash(client, till)
    assert "Customer:" not in receipt and "e-mailed" not in receipt
    assert mail.outbox == []


def test_the_order_page_summary_names_the_customer_and_the_tender(shop, client, till, shona):
    attach(client, till, shona.email)
    pay_cash(client, till)
    sale = Order.objects.get().till_sale
    summary = text(render_to_string("console/receipt_summary.html", {"sale": sale}))
    assert "Customer: Shona Shopper · shona@example.com" in summary
    assert "Cash £10.00 for £10.00 · change £0.00" in summary


def test_a_shopper_sees_their_account_card_and_it_names_them(shona, client):
    client.force_login(shona)
    profile = client.get(reverse("customer:profile-view")).content.decode()
    assert reverse("profiles:account-card") in profile
    page = client.get(reverse("profiles:account-card")).content.decode()
    assert "<svg" in page and "Card for Shona Shopper" in page
    assert cards.account_id(cards.card_token(shona)) == shona.pk


def test_the_account_card_page_needs_a_signed_in_shopper(db, client):
    response = client.get(reverse("profiles:account-card"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
