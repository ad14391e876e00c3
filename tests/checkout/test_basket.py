from decimal import Decimal

from django.urls import reverse

from apps.inventory import services
from tests.checkout.conftest import add_to_basket
from tests.factories import ProductFactory, stock


def test_basket_says_line_by_line_what_my_store_has_and_where_else_to_go(shop, client):
    kettle = ProductFactory(title="Kettle")
    stock(shop["warehouse"], kettle, 5)
    stock(shop["york"], kettle, 3)
    stock(shop["york"], shop["lamp"], 0)
    services.receive(location=shop["york"], quantities={shop["lamp"].pk: 4})
    client.post(reverse("stores:choose", args=["leeds"]))
    add_to_basket(client, shop["lamp"])
    add_to_basket(client, kettle)
    body = " ".join(client.get(reverse("basket:summary")).content.decode().split())
    assert "Click and collect at Omnishop Leeds" in body
    assert "Desk Lamp: can be collected" in body
    assert "Kettle: not available at this store" in body
    assert "<strong>Omnishop York</strong> has everything in your basket." in body


def test_basket_without_a_store_shows_no_collect_panel(shop, client):
    add_to_basket(client, shop["lamp"])
    assert "basket-collect" not in client.get(reverse("basket:summary")).content.decode()


def test_basket_page_queries_do_not_grow_with_stores(shop, client, django_assert_max_num_queries):
    from tests.factories import StoreFactory

    client.post(reverse("stores:choose", args=["leeds"]))
    add_to_basket(client, shop["lamp"])
    for i in range(30):
        stock(StoreFactory(code=f"b{i}", name=f"B {i}", latitude=53.5 + i / 100), shop["lamp"], 1)
    with django_assert_max_num_queries(45):
        assert client.get(reverse("basket:summary")).status_code == 200


def test_a_basket_my_store_can_fill_is_priced_for_collection_not_delivery(shop, client):
    client.post(reverse("stores:choose", args=["leeds"]))
    add_to_basket(client, shop["lamp"])
    page = client.get(reverse("basket:summary"))
    basket = page.context["basket"]
    assert page.context["shipping_method"].code == "collect-in-store"
    assert page.context["order_total"].incl_tax == basket.total_incl_tax  # no £4.99 added
    assert "4.99" not in page.content.decode()


def test_a_basket_my_store_cannot_fill_is_priced_for_delivery(shop, client):
    client.post(reverse("stores:choose", args=["york"]))  # York has no lamps
    add_to_basket(client, shop["lamp"])
    page = client.get(reverse("basket:summary"))
    assert page.context["shipping_method"].code == "standard-delivery"
    assert page.context["order_total"].incl_tax == page.context["basket"].total_incl_tax + Decimal(
        "4.99"
    )
