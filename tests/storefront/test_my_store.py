"""My store: chosen once, remembered, shown on every page, and used for the product page."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from apps.inventory import services
from apps.stores import my_store
from apps.stores.models import PreferredStore
from tests.factories import LocationFactory, ProductFactory, StoreFactory, UserFactory, stock

LONDON = zoneinfo.ZoneInfo("Europe/London")
WEDNESDAY_10AM = dt.datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)


@pytest.fixture
def shop(db):
    warehouse = LocationFactory(code="web", name="Online warehouse", kind="warehouse")
    leeds = StoreFactory(code="leeds", name="Omnishop Leeds", lead_time_minutes=60)
    york = StoreFactory(
        code="york", name="Omnishop York", city="York", latitude=53.96, longitude=-1.08
    )
    lamp = ProductFactory(title="Desk Lamp")
    stock(warehouse, lamp, 10)
    stock(leeds, lamp, 5)
    stock(york, lamp, 2)
    return {"leeds": leeds, "york": york, "lamp": lamp, "warehouse": warehouse}


def choose(client, code, next_url="/"):
    return client.post(reverse("stores:choose", args=[code]), {"next": next_url})


def test_chosen_store_is_remembered_in_its_cookie_and_shown_in_the_header(shop, client):
    assert "Choose your store" in client.get("/").content.decode()
    response = choose(client, "leeds", next_url="/catalogue/")
    assert response["Location"] == "/catalogue/"
    assert response.cookies[my_store.COOKIE_NAME]["httponly"]
    assert "sessionid" not in response.cookies  # choosing a store starts no session
    assert "My store: <strong>Omnishop Leeds</strong>" in client.get("/").content.decode()


def test_an_altered_store_cookie_is_ignored(shop, client):
    choose(client, "leeds")
    signed = client.cookies[my_store.COOKIE_NAME].value
    york = str(shop["york"].pk)
    client.cookies[my_store.COOKIE_NAME] = york + signed[len(str(shop["leeds"].pk)) :]
    assert "Choose your store" in client.get("/").content.decode()


def test_a_store_kept_in_the_session_before_the_cookie_moves_to_the_cookie(shop, client):
    session = client.session
    session[my_store.SESSION_KEY] = shop["york"].pk
    session.save()
    response = client.get("/")
    assert "My store: <strong>Omnishop York</strong>" in response.content.decode()
    assert my_store.COOKIE_NAME in response.cookies


def test_signed_in_shoppers_keep_their_store_on_their_profile(shop, client):
    shopper = UserFactory()
    client.force_login(shopper)
    choose(client, "york")
    assert PreferredStore.objects.get(user=shopper).location == shop["york"]
    client.logout()
    client.force_login(shopper)  # a new session, another device
    assert "My store: <strong>Omnishop York</strong>" in client.get("/").content.decode()


def test_next_url_to_another_site_is_ignored(shop, client):
    response = choose(client, "leeds", next_url="https://evil.example/")
    assert response["Location"] == reverse("stores:detail", args=["leeds"])


def test_choosing_an_unknown_store_is_404(shop, client):
    assert choose(client, "atlantis").status_code == 404


@time_machine.travel(WEDNESDAY_10AM, tick=False)
def test_product_page_tells_my_store_nearby_stores_and_delivery(shop, client):
    choose(client, "leeds")
    body = client.get(shop["lamp"].get_absolute_url()).content.decode()
    assert "In stock at Omnishop Leeds: ready for pickup today at 11:00" in body
    assert "Omnishop York" in body and "only 2 left" in body
    assert "Home delivery: in stock" in body


@time_machine.travel(WEDNESDAY_10AM, tick=False)
def test_product_page_says_only_n_left_and_not_available(shop, client):
    choose(client, "leeds")
    services.sell_in_store(location=shop["leeds"], quantities={shop["lamp"].pk: 3})
    assert (
        "Only 2 left at Omnishop Leeds"
        in client.get(shop["lamp"].get_absolute_url()).content.decode()
    )
    services.sell_in_store(location=shop["leeds"], quantities={shop["lamp"].pk: 2})
    assert (
        "Not available at Omnishop Leeds"
        in client.get(shop["lamp"].get_absolute_url()).content.decode()
    )


def test_prices_are_the_same_whatever_the_store(shop, client):
    url = shop["lamp"].get_absolute_url()
    price = (
        client.get(url).context["product"].stockrecords.get(partner=shop["warehouse"].partner).price
    )
    for code in ("leeds", "york"):
        choose(client, code)
        assert f"£{price}" in client.get(url).content.decode()
