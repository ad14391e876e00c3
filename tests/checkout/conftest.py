import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from tests.factories import LocationFactory, ProductFactory, StoreFactory, stock

Order = get_model("order", "Order")


@pytest.fixture
def shop(db):
    """A warehouse, two collect stores and a product with stock at some of them."""
    warehouse = LocationFactory(code="web", name="Online warehouse", kind="warehouse")
    leeds = StoreFactory(code="leeds", name="Omnishop Leeds", city="Leeds", lead_time_minutes=60)
    york = StoreFactory(
        code="york", name="Omnishop York", city="York", latitude=53.96, longitude=-1.08
    )
    lamp = ProductFactory(title="Desk Lamp", upc="LAMP-1")
    stock(warehouse, lamp, 10)
    stock(leeds, lamp, 2)
    stock(york, lamp, 0)
    return {"warehouse": warehouse, "leeds": leeds, "york": york, "lamp": lamp}


def add_to_basket(client, product, quantity=1):
    response = client.post(reverse("basket:add", args=[product.pk]), {"quantity": quantity})
    assert response.status_code == 302


def start_guest_checkout(client, email="guest@example.com"):
    response = client.post(reverse("checkout:index"), {"username": email, "options": "anonymous"})
    assert response.status_code == 302 and response["Location"] == reverse("checkout:fulfilment")


def choose_collect(client, store_code):
    return client.post(reverse("checkout:fulfilment"), {"method": "collect", "store": store_code})


def place_order(client):
    return client.post(reverse("checkout:preview"), {"action": "place_order"})
