"""Pages kept whole for visitors with nothing of their own on them: served without rendering,
still with the visitor's own CSRF token and the page's own CSP nonce, never stale, and never
kept for a signed-in shopper or a visitor with a basket."""

import re

from django.test import Client

from apps.instore import services as instore
from apps.inventory.selectors import availability
from apps.stores.models import StoreStaff
from tests.factories import ProductFactory, StoreStaffFactory, UserFactory, stock
from tests.storefront.test_listings import demo  # noqa: F401 - the 60-product demo, indexed

NONCE = re.compile(r'<script nonce="([^"]+)"')
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
BADGE = re.compile(r'class="[^"]*\bstore-badge\b[^"]*">\s*([^<]*)<')


def kept(client, url):
    """The page as a repeat visitor gets it: rendered (once any message waiting was shown),
    then served as kept."""
    client.get(url)  # a message waiting ("added to your basket") is shown
    client.get(url)  # rendered and kept
    response = client.get(url)
    assert response.status_code == 200
    rendered = [t.name for t in response.templates]
    assert "oscar/layout.html" not in rendered, "rendered again: not kept"
    return response


def test_a_kept_product_page_has_this_visitors_token_and_this_pages_nonce(shop):
    url = shop["lamp"].get_absolute_url()
    first = Client(enforce_csrf_checks=True)
    page = first.get(url).content.decode()
    visitor = Client(enforce_csrf_checks=True)
    response = kept(visitor, url)
    body = response.content.decode()
    nonce = NONCE.search(body).group(1)
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    assert nonce != NONCE.search(page).group(1)
    token = TOKEN.search(body).group(1)
    assert token != TOKEN.search(page).group(1)
    added = visitor.post(
        f"/basket/add/{shop['lamp'].pk}/", {"quantity": 1, "csrfmiddlewaretoken": token}
    )
    assert added.status_code == 302  # the form on a kept page works
    assert "1 item" in visitor.get("/basket/").content.decode()


def test_a_kept_product_page_shows_what_this_visitor_viewed(shop):
    kettle = ProductFactory(title="Tea Kettle")
    stock(shop["warehouse"], kettle, 5)
    url = shop["lamp"].get_absolute_url()
    Client().get(url)  # kept for everyone
    visitor = Client()
    visitor.get(kettle.get_absolute_url())
    body = kept(visitor, url).content.decode()
    assert "Products you recently viewed" in body and "Tea Kettle" in body
    assert "Tea Kettle" not in kept(Client(), url).content.decode()


def test_a_page_with_something_of_the_visitors_own_is_rendered_each_time(shop, client):
    url = shop["lamp"].get_absolute_url()
    client.force_login(UserFactory())
    client.get(url)
    assert client.get(url).templates  # signed in: stock alerts, wish lists, reviews
    guest = Client()
    guest.post(f"/basket/add/{shop['lamp'].pk}/", {"quantity": 1})
    guest.get(url)
    assert guest.get(url).templates  # a basket in the header


def badges(response) -> list[str]:
    body = " ".join(response.content.decode().split())
    return [b.strip() for b in BADGE.findall(body)]


def said(units: int) -> str:
    if units > 3:
        return "In stock at Omnishop Leeds"
    return f"Only {units} left at Omnishop Leeds" if units else "Not available at Omnishop Leeds"


def test_a_kept_listing_shows_the_stock_after_a_change(demo, client):  # noqa: F811
    manager = StoreStaffFactory(location=demo, role=StoreStaff.Role.MANAGER).user
    client.post("/stores/leeds/choose/")
    products = [r.object for r in client.get("/catalogue/").context["page_obj"].object_list]
    before = badges(kept(client, "/catalogue/"))
    assert before[0] != "Not available at Omnishop Leeds"
    instore.count_shelf(location=demo, product_id=products[0].pk, counted=0, by=manager)
    units = availability(products=products, locations=[demo])
    now = badges(client.get("/catalogue/"))
    assert now == [said(units.at(p, demo)) for p in products]
    assert now[0] == "Not available at Omnishop Leeds"


def test_each_query_string_is_kept_as_its_own_page(demo, client):  # noqa: F811
    first, second = kept(client, "/catalogue/"), kept(client, "/catalogue/?page=2")
    assert first.content != second.content
    assert (
        kept(client, "/catalogue/").content.split(b"csrfmiddlewaretoken")[0]
        == (first.content.split(b"csrfmiddlewaretoken")[0])
    )


def test_a_plain_get_starts_no_session(shop):
    visitor = Client()
    visitor.post(f"/basket/add/{shop['lamp'].pk}/", {"quantity": 1})
    visitor.cookies.pop("sessionid", None)
    for url in ("/", shop["lamp"].get_absolute_url(), "/basket/"):
        response = visitor.get(url)
        assert response.status_code == 200
        assert "sessionid" not in response.cookies, url


def test_a_garbled_history_cookie_is_ignored(shop):
    url = shop["lamp"].get_absolute_url()
    Client().get(url)
    visitor = Client()
    for value in ('[[1], "x", {"a": 1}]', "not json", '"text"'):
        visitor.cookies["oscar_history"] = value
        assert visitor.get(url).status_code == 200


def test_a_kept_basket_page_follows_the_basket_and_the_stock(shop, manager):
    visitor = Client()
    visitor.post("/stores/leeds/choose/")
    visitor.post(f"/basket/add/{shop['lamp'].pk}/", {"quantity": 1})
    body = " ".join(kept(visitor, "/basket/").content.decode().split())
    assert "can be collected" in body
    instore.count_shelf(location=shop["leeds"], product_id=shop["lamp"].pk, counted=0, by=manager)
    body = " ".join(visitor.get("/basket/").content.decode().split())
    assert "not available at this store" in body
    visitor.post(f"/basket/add/{shop['lamp'].pk}/", {"quantity": 1})
    assert 'value="2"' in kept(visitor, "/basket/").content.decode()  # the new quantity
