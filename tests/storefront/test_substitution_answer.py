"""The shopper answers a substitute by the signed link in the e-mail and text: no sign-in, the
original and the substitute with their prices, Accept or Decline by POST, once; an altered
link opens nothing; the tracking page shows the offer waiting."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from apps.order import statuses
from apps.pickup import substitutions
from apps.pickup.models import Substitution
from tests.factories import OrderFactory, StoreStaffFactory

StockRecord = get_model("partner", "StockRecord")


def text(response) -> str:
    """The page's words, without its tags."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def offer(shop, floor_lamp):
    staff = StoreStaffFactory(location=shop["leeds"]).user
    order = OrderFactory(
        store=shop["leeds"], lines={shop["lamp"]: 2}, status=statuses.PICKING, by=staff
    )
    return substitutions.short_pick_and_offer(
        order=order,
        line=order.lines.get(),
        quantity=1,
        by=staff,
        reason="missing",
        substitute=floor_lamp,
        substitute_quantity=1,
    )


def page_url(offer) -> str:
    return reverse("pickup:substitute", args=[substitutions.answer_token(offer)])


def test_the_link_shows_the_missing_item_the_substitute_their_prices_and_two_buttons(offer, client):
    response = client.get(page_url(offer))
    page = text(response)
    assert response.status_code == 200
    assert "Desk Lamp is not available at Omnishop Leeds" in page
    assert "You ordered Desk Lamp 1 £10.00" in page
    assert "We offer Floor Lamp 1 £8.00" in page
    assert "Accept Floor Lamp" in page and "No thanks" in page
    assert "Please answer by" in page
    offer.refresh_from_db()
    assert offer.is_open  # opening the page answers nothing


def test_accepting_by_the_link_puts_the_substitute_on_the_order(offer, client):
    response = client.post(page_url(offer), {"answer": "accept"}, follow=True)
    page = text(response)
    assert "Thank you: Floor Lamp is on your order." in page
    assert "You accepted this substitute already" in page  # the buttons are gone
    assert offer.order.lines.filter(title="Floor Lamp", num_allocated=1).exists()


def test_a_link_used_twice_answers_once(offer, client):
    client.post(page_url(offer), {"answer": "decline"})
    again = text(client.post(page_url(offer), {"answer": "accept"}, follow=True))
    assert "You declined this substitute already" in again
    offer.refresh_from_db()
    assert offer.status == Substitution.Status.DECLINED
    assert not offer.order.lines.filter(title="Floor Lamp").exists()


@pytest.mark.parametrize("mangle", [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), str.upper])
def test_an_altered_link_opens_nothing(offer, client, mangle):
    token = mangle(substitutions.answer_token(offer))
    url = reverse("pickup:substitute", args=[token])
    assert client.get(url).status_code == 404
    assert client.post(url, {"answer": "accept"}).status_code == 404
    offer.refresh_from_db()
    assert offer.is_open


def test_another_offers_number_in_a_link_is_refused(offer, client):
    forged = f"{offer.pk + 1}:{substitutions.answer_token(offer).split(':', 1)[1]}"
    assert client.get(reverse("pickup:substitute", args=[forged])).status_code == 404


def test_an_expired_link_says_so_and_answers_nothing(offer, client):
    Substitution.objects.filter(pk=offer.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    page = text(client.get(page_url(offer)))
    assert "The time to answer ran out" in page and "Accept Floor Lamp" not in page
    offer.refresh_from_db()
    assert offer.status == Substitution.Status.EXPIRED  # expired as it was read


def test_an_answer_must_be_accept_or_decline(offer, client):
    page = text(client.post(page_url(offer), {"answer": "maybe"}, follow=True))
    assert "Choose Accept or Decline." in page
    offer.refresh_from_db()
    assert offer.is_open


def test_the_tracking_page_shows_the_offer_waiting_and_links_to_the_answer(offer, client):
    order = offer.order
    url = reverse(
        "customer:anon-order",
        kwargs={"order_number": order.number, "hash": order.verification_hash()},
    )
    response = client.get(url)
    page = text(response)
    assert "Your answer is needed: Desk Lamp is not available." in page
    assert "1 × Floor Lamp instead, at £8.00 each" in page
    assert substitutions.answer_token(offer) in response.content.decode()
    assert "The store offered a substitute: 1 × Floor Lamp instead of Desk Lamp" in page
