"""Every demo page answers for the right user and sends the wrong one to log in."""

import pytest
from django.core.management import call_command
from django.http import HttpRequest
from django.urls import reverse
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")

SHOPPER = ("shopper@omnishop.example", "omnishop-shopper")
MERCHANDISER = ("merch@omnishop.example", "omnishop-merch")
STAFF = ("staff.london@omnishop.example", "omnishop-staff")


@pytest.fixture
def demo(db):
    call_command("load_demo", "--products", "24", "--no-progress", "--no-index", verbosity=0)


def login(client, who):
    email, password = who
    assert client.login(request=HttpRequest(), username=email, password=password), (
        f"demo user {email} cannot log in"
    )
    return client


def storefront_urls():
    product = Product.objects.get(upc="OMNI-000001")
    category = Category.objects.get(name="Kitchen")
    return [
        reverse("home"),
        category.get_absolute_url(),
        product.get_absolute_url(),
        reverse("basket:summary"),
        reverse("stores:list"),
        reverse("stores:detail", args=["london-soho"]),
    ]


def test_storefront_pages_answer_anonymous_and_signed_in_shoppers(demo, client):
    for url in storefront_urls():
        assert client.get(url).status_code == 200, url
    login(client, SHOPPER)
    for url in storefront_urls():
        assert client.get(url).status_code == 200, url


def test_home_page_is_a_storefront_not_a_redirect(demo, client):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Shop by category" in body and "Kitchen" in body
    assert reverse("stores:list") in body  # the store finder entry point
    assert len(response.context["products"]) == 8


def test_dashboard_opens_for_the_merchandiser(demo, client):
    login(client, MERCHANDISER)
    assert client.get("/dashboard/").status_code == 200


def test_dashboard_sends_anonymous_visitors_to_log_in(demo, client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert "/login/" in response["Location"] and "next=/dashboard/" in response["Location"]


@pytest.mark.parametrize("who", [SHOPPER, STAFF], ids=["shopper", "store-staff"])
def test_dashboard_is_forbidden_to_signed_in_users_without_permission(demo, client, who):
    login(client, who)
    assert client.get("/dashboard/").status_code == 403


def test_unknown_store_is_404(demo, client):
    assert client.get(reverse("stores:detail", args=["atlantis"])).status_code == 404
