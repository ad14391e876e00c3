"""Queries per storefront page do not grow with the number of stores: home, basket and the steps
of a guest's collect checkout cost the same with 7 stores as with 100, each within its ceiling
(listings and the product page: ``test_listings``, ``test_product_page``)."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.stores import directory
from tests.checkout.conftest import add_to_basket, choose_collect, start_guest_checkout
from tests.factories import ProductFactory, StoreFactory, stock

#: Each page's queries on the embedded default (SQLite, local-memory cache), a guest who chose
#: my store with three lines in the basket (one fewer each with Redis: the session is cached).
CEILINGS = {
    "home": 11,
    "basket": 23,
    "checkout fulfilment": 18,
    "checkout preview": 25,
}


def queries(client, url) -> int:
    client.get(url)  # warm: thumbnails, templates
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def journey(products) -> dict[str, int]:
    client = Client()
    client.post("/stores/leeds/choose/")
    counts = {"home": queries(client, "/")}
    for product in products:
        add_to_basket(client, product)
    counts["basket"] = queries(client, reverse("basket:summary"))
    start_guest_checkout(client)
    counts["checkout fulfilment"] = queries(client, reverse("checkout:fulfilment"))
    choose_collect(client, "leeds")
    counts["checkout preview"] = queries(client, reverse("checkout:preview"))
    return counts


def test_storefront_pages_cost_the_same_with_7_or_100_stores(shop):
    products = [shop["lamp"], ProductFactory(title="Kettle"), ProductFactory(title="Mug")]
    for product in products:
        stock(shop["warehouse"], product, 20)
        stock(shop["leeds"], product, 5)
    few = journey(products)
    for i in range(93):
        store = StoreFactory(code=f"s{i}", name=f"Store {i}", latitude=50 + i / 20, longitude=-1)
        for product in products:
            stock(store, product, 1 + i % 3)
    directory.locations()  # a process reads the stores once after they change
    assert journey(products) == few
    assert all(few[page] <= ceiling for page, ceiling in CEILINGS.items()), few
