"""A Content-Security-Policy on every page type: scripts from this shop only, the one inline
script carrying the page's nonce, no inline script or handler of our own."""

import re

import pytest
from django.urls import reverse

from tests.factories import OrderFactory, StoreStaffFactory, UserFactory

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
HANDLER = re.compile(r"\son(?:click|change|submit|load|input|focus|blur)\s*=", re.I)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def assert_locked_down(response):
    directives = policy(response)
    scripts = directives["script-src"]
    assert "'self'" in scripts and "'unsafe-inline'" not in scripts
    assert "'unsafe-eval'" not in scripts and not any(s.startswith("http") for s in scripts)
    assert directives["object-src"] == ["'none'"] and directives["default-src"] == ["'self'"]
    if "text/html" not in response["Content-Type"]:
        return
    html = response.content.decode()
    nonce = next((s[7:-1] for s in scripts if s.startswith("'nonce-")), None)
    for attributes in SCRIPT_TAG.findall(html):
        if "src=" in attributes or "application/json" in attributes:
            continue
        assert nonce and f'nonce="{nonce}"' in attributes, (
            f"inline script without the nonce: {attributes}"
        )
    # Nothing loads from another host (a nonce is random text, so no search for "cdn" in it).
    elsewhere = set(
        re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(?:https?:)?//([^/"]+)', html)
    )
    assert elsewhere <= {"testserver"} and "googleapis" not in html


@pytest.fixture
def people(shop):
    manager = StoreStaffFactory(location=shop["leeds"], role="manager").user
    merch = UserFactory(is_superuser=True, is_staff=True)
    shopper = UserFactory()
    order = OrderFactory(store=shop["leeds"], user=shopper, lines={shop["lamp"]: 1})
    return {"manager": manager, "merch": merch, "shopper": shopper, "order": order}


def test_storefront_pages(shop, client):
    for url in [
        "/",
        "/catalogue/",
        shop["lamp"].get_absolute_url(),
        "/basket/",
        "/stores/",
        "/stores/leeds/",
        "/search/?q=lamp",
        reverse("customer:login"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_locked_down(response)


def test_shopper_account_and_checkout_pages(shop, client, people):
    client.force_login(people["shopper"])
    client.post(reverse("basket:add", args=[shop["lamp"].pk]), {"quantity": 1})
    for url in [
        reverse("customer:order-list"),
        reverse("customer:order", args=[people["order"].number]),
        reverse("checkout:fulfilment"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_locked_down(response)


def test_console_pages(shop, client, people):
    client.force_login(people["manager"])
    number = people["order"].number
    for name, args in [
        ("console:queue", ["leeds"]),
        ("console:order", ["leeds", number]),
        ("console:pick-list", ["leeds", number]),
        ("console:pick-wave", ["leeds"]),
        ("console:sale", ["leeds"]),
        ("console:returns", ["leeds"]),
        ("console:stock", ["leeds"]),
        ("console:reports", ["leeds"]),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        assert_locked_down(response)
        assert not HANDLER.search(response.content.decode()), name


def test_dashboard_admin_and_api_pages(shop, client, people):
    client.force_login(people["merch"])
    for url in [
        "/dashboard/",
        "/dashboard/catalogue/",
        "/dashboard/stock/",
        "/dashboard/stores/",
        "/admin/",
        "/api/products/",
        "/api/docs/",
        "/api/redoc/",
        "/api/schema/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_locked_down(response)


def test_the_nonce_changes_with_every_page(shop, client):
    first, second = (policy(client.get("/"))["script-src"] for _ in range(2))
    nonces = [next(s for s in p if s.startswith("'nonce-")) for p in (first, second)]
    assert nonces[0] != nonces[1]
