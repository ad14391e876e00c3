"""Category, catalogue and search pages: my store's badge and filter, in a constant number of queries."""

import re

import pytest
from django.core.management import call_command
from oscar.core.loading import get_model

from apps.inventory.selectors import availability
from apps.search.views.base import BaseSearchView
from apps.stores.models import Location
from tests.factories import StoreFactory, UserFactory, stock

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
#: Queries of each listing, warm, a shopper who chose my store (embedded default). Before: 25.
CEILINGS = {"category": 6, "catalogue": 4, "search": 6}
#: The same for a signed-in shopper (their session, basket, wishlists, profile and recent
#: searches); before whether a product has options came with its row, one more query a card.
SIGNED_IN_CEILINGS = {"category": 19, "catalogue": 17, "search": 18}


@pytest.fixture
def demo(db):
    call_command("load_demo", "--products", "60", "--no-progress", verbosity=0)
    return Location.objects.get(code="leeds")


def listing_urls() -> dict[str, str]:
    return {
        "category": Category.objects.get(name="Kitchen").get_absolute_url(),
        "catalogue": "/catalogue/",
        "search": "/search/?q=classic",
    }


@pytest.fixture
def count_queries(django_assert_max_num_queries):
    def count(client, page, url) -> int:
        """Queries of a warm page (thumbnail metadata cached, as in production)."""
        client.get(url)
        with django_assert_max_num_queries(CEILINGS[page]) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    return count


def test_listing_pages_run_a_constant_number_of_queries_whatever_the_stores(
    demo, client, count_queries
):
    client.post("/stores/leeds/choose/")
    before = {page: count_queries(client, page, url) for page, url in listing_urls().items()}
    for i in range(93):
        store = StoreFactory(code=f"extra-{i}", name=f"Extra {i}", latitude=53 + i / 40, hours={})
        for product in Product.objects.all()[:20]:
            stock(store, product, 2)
    after = {page: count_queries(client, page, url) for page, url in listing_urls().items()}
    assert after == before


def test_listing_queries_do_not_grow_with_the_products_on_the_page(
    demo, client, count_queries, monkeypatch
):
    client.post("/stores/leeds/choose/")
    few = {page: count_queries(client, page, url) for page, url in listing_urls().items()}
    monkeypatch.setattr(BaseSearchView, "paginate_by", 100)
    assert len(client.get("/catalogue/").context["page_obj"].object_list) == 60  # the demo's all
    many = {page: count_queries(client, page, url) for page, url in listing_urls().items()}
    assert many == few


def test_a_signed_in_shoppers_listings_do_not_grow_with_the_products_either(
    demo, client, monkeypatch, django_assert_max_num_queries
):
    """A signed-in shopper's cards are rendered for them (with "Add to basket" only for a
    product without options): whether a product has options comes with its row."""
    client.force_login(UserFactory())
    client.post("/stores/leeds/choose/")

    def queries() -> dict[str, int]:
        counted = {}
        for page, url in listing_urls().items():
            client.get(url)
            with django_assert_max_num_queries(SIGNED_IN_CEILINGS[page]) as captured:
                assert client.get(url).status_code == 200
            counted[page] = len(captured)
        return counted

    few = queries()
    monkeypatch.setattr(BaseSearchView, "paginate_by", 100)
    assert queries() == few


def test_each_card_says_what_my_store_has(demo, client):
    client.post("/stores/leeds/choose/")
    response = client.get("/catalogue/")
    body = " ".join(response.content.decode().split())
    products = [r.object for r in response.context["page_obj"].object_list]
    units = availability(products=products, locations=[demo])
    expected = [
        "In stock at Omnishop Leeds"
        if units.at(p, demo) > 3
        else f"Only {units.at(p, demo)} left at Omnishop Leeds"
        if units.at(p, demo)
        else "Not available at Omnishop Leeds"
        for p in products
    ]
    assert [
        b.strip() for b in re.findall(r'class="[^"]*\bstore-badge\b[^"]*">\s*([^<]*)<', body)
    ] == expected


def test_filter_shows_only_what_my_store_can_sell(demo, client):
    client.post("/stores/leeds/choose/")
    response = client.get("/catalogue/", {"at_my_store": "1"})
    products = [r.object for r in response.context["page_obj"].object_list]
    assert products
    units = availability(products=products, locations=[demo])
    assert all(units.at(p, demo) > 0 for p in products)
    everything = client.get("/catalogue/").context["paginator"].count
    assert response.context["paginator"].count < everything


def test_an_overlong_search_is_refused_with_a_reason_not_run(demo, client):
    response = client.get("/search/", {"q": "knife " * 20_000})
    assert response.status_code == 200
    assert b"at most 200 characters" in response.content
    assert not response.context["form"].is_valid()  # not handed to the search engine
    assert b'maxlength="200"' in client.get("/search/?q=knife").content


def test_an_overlong_query_on_a_listing_is_not_run_either(demo, client):
    # 100,000 characters took the catalogue page 86 s in Whoosh with the demo indexed.
    for url in listing_urls().values():
        response = client.get(url, {"q": "x" * 100_000})
        assert response.status_code == 200
        assert not response.context["form"].is_valid()
        assert "q" in response.context["form"].errors
