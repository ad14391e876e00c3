"""Queries per storefront page do not grow with the number of stores: home, basket and every
step of a guest's checkout, collected and delivered, cost the same with 7 stores as with 100,
each within its ceiling (listings and the product page: ``test_listings``,
``test_product_page``)."""

import pytest
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from apps.stores import directory
from tests.checkout.conftest import add_to_basket, choose_collect, place_order, start_guest_checkout
from tests.factories import ProductFactory, StoreFactory, stock

Country = get_model("address", "Country")

#: Each page's queries on the embedded default (SQLite, local-memory cache), a guest who chose
#: my store with three lines in the basket (one fewer each with Redis: the session is cached).
CEILINGS = {
    "home": 7,  # before: 11
    "basket": 10,  # before: 23
    "checkout: guest or sign in": 9,
    "checkout: fulfilment": 10,  # before: 18
    "checkout: collect preview": 14,  # before: 25
    "checkout: thank you, collect": 20,
    "checkout: shipping address": 9,
    "checkout: shipping method": 12,
    "checkout: delivery preview": 10,
    "checkout: thank you, delivery": 20,
}


@pytest.fixture
def page_queries(django_assert_max_num_queries):
    def count(client, page, url, status=200) -> int:
        client.get(url)  # warm: thumbnails, templates
        with django_assert_max_num_queries(CEILINGS[page]) as captured:
            assert client.get(url).status_code == status
        return len(captured)

    return count


def shopper(products) -> Client:
    client = Client()
    client.post("/stores/leeds/choose/")
    for product in products:
        add_to_basket(client, product)
    start_guest_checkout(client)
    return client


def review_and_thank_you(client, count, fulfilment: str) -> dict[str, int]:
    """The queries of the review page, then (the order placed) of the thank-you page."""
    review, thanks = f"checkout: {fulfilment} preview", f"checkout: thank you, {fulfilment}"
    counts = {review: count(client, review, reverse("checkout:preview"))}
    assert place_order(client)["Location"] == reverse("checkout:thank-you")
    return counts | {thanks: count(client, thanks, reverse("checkout:thank-you"))}


def collect_journey(products, count) -> dict[str, int]:
    client = Client()
    client.post("/stores/leeds/choose/")
    counts = {"home": count(client, "home", "/")}
    for product in products:
        add_to_basket(client, product)
    counts["basket"] = count(client, "basket", reverse("basket:summary"))
    counts["checkout: guest or sign in"] = count(
        client, "checkout: guest or sign in", reverse("checkout:index")
    )
    start_guest_checkout(client)
    counts["checkout: fulfilment"] = count(
        client, "checkout: fulfilment", reverse("checkout:fulfilment")
    )
    choose_collect(client, "leeds")
    return counts | review_and_thank_you(client, count, "collect")


def delivery_journey(products, count) -> dict[str, int]:
    client = shopper(products)
    client.post(reverse("checkout:fulfilment"), {"method": "delivery"})
    page = "checkout: shipping address"
    counts = {page: count(client, page, reverse("checkout:shipping-address"))}
    address = {"first_name": "Ann", "last_name": "Other", "line1": "1 Road", "line4": "Leeds"}
    country = Country.objects.get(iso_3166_1_a2="GB")
    response = client.post(
        reverse("checkout:shipping-address"),
        {**address, "postcode": "LS1 1AA", "country": country.pk},
    )
    assert response.status_code == 302
    page = "checkout: shipping method"  # one method: chosen and passed on
    counts[page] = count(client, page, reverse("checkout:shipping-method"), status=302)
    return counts | review_and_thank_you(client, count, "delivery")


def test_storefront_pages_cost_the_same_with_7_or_100_stores(shop, page_queries):
    Country.objects.create(iso_3166_1_a2="GB", name="United Kingdom", is_shipping_country=True)
    products = [shop["lamp"], ProductFactory(title="Kettle"), ProductFactory(title="Mug")]
    for product in products:
        stock(shop["warehouse"], product, 20)
        stock(shop["leeds"], product, 5)
    few = collect_journey(products, page_queries) | delivery_journey(products, page_queries)
    for i in range(93):
        store = StoreFactory(code=f"s{i}", name=f"Store {i}", latitude=50 + i / 20, longitude=-1)
        for product in products:
            stock(store, product, 1 + i % 3)
    directory.locations()  # a process reads the stores once after they change
    many = collect_journey(products, page_queries) | delivery_journey(products, page_queries)
    assert many == few
