"""No stale availability: after every kind of stock change (web and API orders, a till sale, a
counter return, a transfer, a count, an import, a delivery) the very next product page and the
store finder's API say what the store has now. Whatever the pages keep between requests, stock
is never part of it without this holding."""

import pytest
from django.urls import reverse

from apps.instore import services as instore
from apps.inventory import services as stock
from apps.inventory.imports import import_stock
from tests.api.conftest import api_client
from tests.factories import OrderFactory, UserFactory


def web_order(shop, manager):
    OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1})


def api_order(shop, manager):
    body = {"store": "leeds", "lines": [{"upc": "LAMP-1", "quantity": 1}]}
    response = api_client(UserFactory()).post("/api/checkout/collect/", body, format="json")
    assert response.status_code == 201, response.content


def till_sale(shop, manager):
    instore.sell(location=shop["leeds"], quantities={shop["lamp"].pk: 1}, by=manager)


def till_sale_brought_back(shop, manager):
    sale = instore.sell(location=shop["leeds"], quantities={shop["lamp"].pk: 2}, by=manager)
    instore.take_return(
        location=shop["leeds"], order=sale, quantities={sale.lines.get().pk: 1}, by=manager
    )


def transfer_in(shop, manager):
    stock.transfer(
        source=shop["warehouse"], destination=shop["leeds"], quantities={shop["lamp"].pk: 5}
    )


def shelf_count(shop, manager):
    instore.count_shelf(location=shop["leeds"], product_id=shop["lamp"].pk, counted=0, by=manager)


def feed_import(shop, manager):
    import_stock(text="location,sku,delta\nleeds,LAMP-1,4\n")


def delivery(shop, manager):
    stock.receive(location=shop["leeds"], quantities={shop["lamp"].pk: 10}, note="delivery")


#: Each change, and what Leeds (2 lamps to start with) has after it.
CHANGES = [
    (web_order, 1),
    (api_order, 1),
    (till_sale, 1),
    (till_sale_brought_back, 1),
    (transfer_in, 7),
    (shelf_count, 0),
    (feed_import, 6),
    (delivery, 12),
]


def message(units: int) -> str:
    if units == 0:
        return "Not available at Omnishop Leeds"
    if units <= 3:
        return f"Only {units} left at Omnishop Leeds"
    return "In stock at Omnishop Leeds"


@pytest.mark.parametrize(("change", "left"), CHANGES, ids=[c.__name__ for c, _ in CHANGES])
def test_the_next_page_shows_the_stock_after_each_kind_of_change(
    change, left, shop, manager, client
):
    client.post("/stores/leeds/choose/")
    url = shop["lamp"].get_absolute_url()
    finder = {"lat": 53.8, "lng": -1.55, "product": shop["lamp"].pk}

    def leeds_in_the_finder():
        stores = client.get(reverse("api:stores"), finder).json()
        return next(s["available"] for s in stores if s["code"] == "leeds")

    client.get(url)  # shows the message "your store is Leeds" once
    assert message(2) in client.get(url).content.decode()  # read (and kept, if anything is)
    assert client.get(url).content.decode().count(message(2)) == 1  # as kept
    assert leeds_in_the_finder() == 2
    change(shop, manager)
    assert message(left) in client.get(url).content.decode()
    assert leeds_in_the_finder() == left
