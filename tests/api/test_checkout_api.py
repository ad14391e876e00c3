"""Click and collect through the API (the mobile app): one request, all or nothing."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.urls import reverse
from oscar.core.loading import get_model
from rest_framework.test import APIClient

from apps.inventory import services as inventory
from apps.inventory.models import StockMovement
from apps.inventory.selectors import availability, ledger_drift
from apps.order import statuses
from apps.pickup import services as pickup
from apps.profiles.models import Profile
from tests.api.conftest import api_client, errors
from tests.factories import ProductFactory, StoreStaffFactory, UserFactory, stock

Order = get_model("order", "Order")
URL = "/api/checkout/collect/"


def ats(shop, store="leeds"):
    return availability(products=[shop["lamp"]], locations=[shop[store]]).at(
        shop["lamp"], shop[store]
    )


@pytest.fixture
def shopper(db):
    user = UserFactory(email="shona@example.com", first_name="Shona", last_name="Reid")
    Profile.objects.create(user=user, phone="+447911123456")
    return user


def order_lamp(client, quantity=1, store="leeds", **extra):
    body = {"store": store, "lines": [{"upc": "LAMP-1", "quantity": quantity}]}
    return client.post(URL, body, format="json", **extra)


def test_a_shopper_orders_to_collect_and_gets_a_code_qr_and_confirmation(
    shop, shopper, mailoutbox, django_capture_on_commit_callbacks
):
    client = api_client(shopper)
    with django_capture_on_commit_callbacks(execute=True):
        response = order_lamp(client)
    assert response.status_code == 201, response.content
    body = response.json()
    order = Order.objects.get(number=body["number"])
    assert (order.channel, order.status, order.user) == ("api", statuses.PLACED, shopper)
    assert (order.pickup_name, order.pickup_phone) == ("Shona Reid", "+447911123456")
    assert body["store"] == {"code": "leeds", "name": "Omnishop Leeds"}
    assert body["pickup_code"] == f"{order.pickup_code[:4]}-{order.pickup_code[4:]}"
    assert body["pickup_qr_svg"].startswith("<svg") and body["total_incl_tax"] == "10.00"
    source = order.sources.get()  # authorised for the total, charged at handover
    assert (source.amount_allocated, source.amount_debited) == (order.total_incl_tax, 0)
    assert ats(shop) == 1 and list(ledger_drift()) == []
    assert [m.to for m in mailoutbox] == [["shona@example.com"]]
    assert body["pickup_code"] in mailoutbox[0].body


def test_the_api_order_is_in_the_stores_queue_and_the_shoppers_account(shop, shopper, client):
    number = order_lamp(api_client(shopper)).json()["number"]
    staff = api_client(StoreStaffFactory(location=shop["leeds"]).user)
    to_pick = staff.get(reverse("api:queue", kwargs={"code": "leeds"})).json()[0]["orders"]
    assert [o["number"] for o in to_pick] == [number]
    mine = api_client(shopper).get(reverse("api:my-orders")).json()["results"]
    assert [o["number"] for o in mine] == [number]
    client.force_login(shopper)
    assert number in client.get(reverse("customer:order-list")).content.decode()


def test_a_retried_request_with_the_same_key_places_one_order(shop, shopper):
    client = api_client(shopper)
    first = order_lamp(client, HTTP_IDEMPOTENCY_KEY="phone-42")
    again = order_lamp(client, HTTP_IDEMPOTENCY_KEY="phone-42")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert Order.objects.count() == 1 and ats(shop) == 1


def test_more_than_the_store_has_is_409_and_leaves_nothing_behind(shop, shopper):
    response = order_lamp(api_client(shopper), quantity=3)
    assert response.status_code == 409
    error = response.json()["errors"][0]
    assert error["code"] == "insufficient_stock" and error["available"] == 2
    assert not Order.objects.exists()
    assert not StockMovement.objects.filter(reason="allocation").exists()
    assert ats(shop) == 2


def test_a_declined_payment_is_402_and_leaves_nothing_behind(shop, shopper, settings):
    settings.OMNISHOP_PAYMENT_GATEWAY = "apps.checkout.payment.DecliningTestGateway"
    response = order_lamp(api_client(shopper))
    assert response.status_code == 402
    assert errors(response) == {"": "payment_declined"}
    assert not Order.objects.exists() and ats(shop) == 2
    assert not StockMovement.objects.filter(reason="allocation").exists()


def test_a_product_without_a_price_is_refused_not_a_server_error(shop, shopper):
    unpriced = ProductFactory(title="Unpriced Vase", upc="VASE-1")
    stock(shop["leeds"], unpriced, 3, price=None)  # at the store only: no warehouse price
    body = {"store": "leeds", "lines": [{"upc": "VASE-1"}]}
    refused = api_client(shopper).post(URL, body, format="json")
    assert refused.status_code == 422
    assert "Unpriced Vase has no price" in refused.json()["errors"][0]["detail"]
    assert not Order.objects.exists()


def test_bad_requests_say_what_is_wrong(shop, shopper):
    client = api_client(shopper)
    shop["york"].click_and_collect = False
    shop["york"].save()
    refused = order_lamp(client, store="york")
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {
            "code": "refused",
            "detail": "Omnishop York does not offer click and collect.",
            "attr": None,
        }
    ]
    unknown = order_lamp(client, store="atlantis")
    assert unknown.status_code == 422 and errors(unknown) == {"store": "does_not_exist"}
    phone = client.post(
        URL,
        {"store": "leeds", "lines": [{"upc": "LAMP-1"}], "collector_phone": "call me"},
        format="json",
    )
    assert phone.status_code == 422 and errors(phone) == {"collector_phone": "invalid_phone"}
    assert not Order.objects.exists()


def test_only_signed_in_shoppers_order_and_see_only_their_orders(shop, shopper):
    assert order_lamp(APIClient()).status_code == 401
    number = order_lamp(api_client(shopper)).json()["number"]
    stranger = api_client(UserFactory())
    assert stranger.get(reverse("api:my-order", args=[number])).status_code == 404
    assert stranger.get(reverse("api:my-orders")).json()["count"] == 0
    mine = api_client(shopper).get(reverse("api:my-order", args=[number])).json()
    assert mine["pickup_code"] is not None


@pytest.mark.django_db(transaction=True)
def test_two_phones_racing_for_the_last_unit_get_one_order(postgres, shop):
    inventory.count(location=shop["leeds"], counts={shop["lamp"].pk: 1}, note="the last one")
    shoppers = [UserFactory(email=f"racer{n}@example.com") for n in range(2)]
    barrier = threading.Barrier(2)

    def attempt(user):
        client = api_client(user)
        try:
            barrier.wait(timeout=30)
            return order_lamp(client).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(attempt, shoppers))
    assert outcomes == [201, 409]
    assert Order.objects.count() == 1 and ats(shop) == 0
    assert list(ledger_drift()) == []


@pytest.mark.django_db(transaction=True)
def test_a_retry_racing_the_first_request_with_the_same_key_places_one_order(postgres, shop):
    shopper = UserFactory(email="impatient@example.com")
    barrier = threading.Barrier(2)

    def attempt(_):
        client = api_client(shopper)
        try:
            barrier.wait(timeout=30)
            return order_lamp(client, HTTP_IDEMPOTENCY_KEY="tap-twice").status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(attempt, range(2)))
    assert outcomes == [200, 201]
    assert Order.objects.count() == 1 and ats(shop) == 1


def test_a_cancelled_orders_code_is_no_longer_shown(shop, shopper, client):
    number = order_lamp(api_client(shopper)).json()["number"]
    order = Order.objects.get(number=number)
    pickup.cancel(order=order, by=UserFactory(is_superuser=True), reason="changed mind")
    mine = api_client(shopper).get(reverse("api:my-order", args=[number])).json()
    assert (mine["status"], mine["pickup_code"], mine["pickup_qr_svg"]) == ("Cancelled", None, None)
    client.force_login(shopper)
    page = client.get(reverse("customer:order", args=[number])).content.decode()
    assert order.pickup_code not in page.replace("-", "") and "<svg" not in page


ADDRESS = {
    "first_name": "Shona",
    "last_name": "Reid",
    "line1": "1 Park Row",
    "city": "Leeds",
    "postcode": "LS1 5AB",
    "phone": "07911 123456",
}


@pytest.fixture
def gb(db):
    return get_model("address", "Country").objects.create(
        iso_3166_1_a2="GB",
        name="United Kingdom",
        printable_name="United Kingdom",
        is_shipping_country=True,
    )


def test_a_shopper_orders_home_delivery_from_the_warehouse(shop, shopper, gb):
    body = {"lines": [{"upc": "LAMP-1", "quantity": 2}], "address": ADDRESS}
    response = api_client(shopper).post("/api/checkout/delivery/", body, format="json")
    assert response.status_code == 201, response.content
    order = Order.objects.get(number=response.json()["number"])
    assert (order.channel, order.shipping_code, order.pickup_location) == (
        "api",
        "standard-delivery",
        None,
    )
    assert (
        order.total_incl_tax == 2 * order.lines.get().unit_price_incl_tax + order.shipping_incl_tax
    )
    address = order.shipping_address
    assert (address.line4, address.postcode, str(address.phone_number)) == (
        "Leeds",
        "LS1 5AB",
        "+447911123456",
    )
    assert response.json()["pickup_code"] is None
    assert ats(shop, "warehouse") == 8 and ats(shop) == 2  # the store's units are untouched
    assert list(ledger_drift()) == []


def test_a_delivery_address_that_will_not_do_is_refused_field_by_field(shop, shopper, gb):
    client = api_client(shopper)
    abroad = client.post(
        "/api/checkout/delivery/",
        {"lines": [{"upc": "LAMP-1"}], "address": {**ADDRESS, "country": "FR"}},
        format="json",
    )
    assert abroad.status_code == 422
    assert abroad.json()["errors"] == [
        {"code": "invalid_choice", "detail": "We do not deliver there.", "attr": "address.country"}
    ]
    bad_postcode = client.post(
        "/api/checkout/delivery/",
        {"lines": [{"upc": "LAMP-1"}], "address": {**ADDRESS, "postcode": "NOT A CODE"}},
        format="json",
    )
    assert bad_postcode.status_code == 422
    assert errors(bad_postcode) == {"address.postcode": "invalid_address"}
    assert not Order.objects.exists()
