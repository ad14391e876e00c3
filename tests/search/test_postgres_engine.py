"""The PostgreSQL engine answers what the shop's search and listing pages ask of Haystack:
words (stemmed, ranked), narrowing by category and price, facets, ordering and counts, and
never a product that cannot be browsed."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from haystack.query import SearchQuerySet
from oscar.apps.search.facets import base_sqs
from oscar.core.loading import get_model

from tests.factories import LocationFactory, ProductFactory, stock
from tests.search.conftest import index_all

Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")


@pytest.fixture
def shelf(pg_search):
    """A few products with prices at the online warehouse, in two categories, indexed."""
    from oscar.apps.catalogue.categories import create_from_breadcrumbs

    warehouse = LocationFactory(code="web", name="Online warehouse", kind="warehouse")
    garden, lighting = create_from_breadcrumbs("Garden"), create_from_breadcrumbs("Lighting")
    made = {}
    for title, description, category, price in [
        ("Garden Hose", "Thirty metres of hose on a reel.", garden, "24.99"),
        ("Watering Can", "Pairs well with a garden hose.", garden, "12.50"),
        ("Desk Lamp", "A lamp for the desk, with a warm bulb.", lighting, "39.00"),
        ("Floor Lamp", "A tall reading lamp.", lighting, "89.00"),
    ]:
        product = ProductFactory(title=title, description=description)
        ProductCategory.objects.create(product=product, category=category)
        stock(warehouse, product, 0, price=Decimal(price))
        made[title] = product
    index_all(pg_search)
    return made


def titles(results) -> list[str]:
    return [r.object.title for r in results]


def test_words_are_stemmed_in_english(shelf):
    assert set(titles(base_sqs().auto_query("lamps"))) == {"Desk Lamp", "Floor Lamp"}
    assert titles(base_sqs().auto_query("watering")) == ["Watering Can"]
    assert titles(base_sqs().auto_query("reels")) == ["Garden Hose"]


def test_a_product_named_by_the_words_ranks_above_one_that_mentions_them(shelf):
    assert titles(base_sqs().auto_query("garden hose")) == ["Garden Hose", "Watering Can"]


def test_every_word_is_needed_and_a_quoted_phrase_is_kept_whole(shelf):
    assert titles(base_sqs().auto_query("desk lamp")) == ["Desk Lamp"]
    assert titles(base_sqs().auto_query('"reading lamp"')) == ["Floor Lamp"]
    assert titles(base_sqs().auto_query("lamp -desk")) == ["Floor Lamp"]
    assert base_sqs().auto_query("chainsaw").count() == 0


def test_hidden_products_and_variants_are_never_found(shelf, pg_search):
    hidden = ProductFactory(title="Hidden Lamp", is_public=False)
    parent = ProductFactory(title="Lamp Shade", structure="parent")
    ProductFactory(title="Lamp Shade Red", structure="child", parent=parent, product_class=None)
    index_all(pg_search)
    found = set(titles(base_sqs().auto_query("lamp")))
    assert found == {"Desk Lamp", "Floor Lamp", "Lamp Shade"}
    assert hidden.title not in found


def test_category_listing_counts_and_facets(shelf, client):
    garden = Category.objects.get(name="Garden")
    response = client.get(garden.get_absolute_url())
    assert {r.object.title for r in response.context["page_obj"].object_list} == {
        "Garden Hose",
        "Watering Can",
    }
    assert response.context["paginator"].count == 2
    prices = base_sqs().facet_counts()["queries"]
    assert prices == {
        "price:[0 TO 20]": 1,
        "price:[20 TO 40]": 2,
        "price:[40 TO 60]": 0,
        "price:[60 TO *]": 1,
    }


def test_the_search_page_narrows_by_price_and_orders_by_price(shelf, client):
    cheap = client.get("/search/", {"q": "lamp", "selected_facets": "price:[20 TO 40]"})
    assert [r.object.title for r in cheap.context["page_obj"].object_list] == ["Desk Lamp"]
    by_price = client.get("/search/", {"q": "garden", "sort_by": "price-desc"})
    assert [r.object.title for r in by_price.context["page_obj"].object_list] == [
        "Garden Hose",
        "Watering Can",
    ]
    by_title = client.get("/catalogue/", {"sort_by": "title-asc"})
    listed = [r.object.title for r in by_title.context["page_obj"].object_list]
    assert listed == sorted(listed) and len(listed) == 4


def test_the_search_page_shows_what_the_engine_found(shelf, client):
    body = client.get("/search/", {"q": "lamps"}).content.decode()
    assert "Desk Lamp" in body and "Floor Lamp" in body and "Garden Hose" not in body


def test_a_search_costs_the_same_queries_whatever_the_page_size(pg_search, demo_catalogue):
    index_all(pg_search)

    def queries(size: int) -> int:
        sqs = SearchQuerySet().auto_query("classic").facet("product_class")
        with CaptureQueriesContext(connection) as captured:
            assert len(list(sqs[:size])) == min(size, 24)
            sqs.facet_counts()
        return len(captured)

    assert queries(2) == queries(24) <= 2  # the page with its count, then every facet


def test_update_index_and_rebuild_index_fill_and_empty_the_postgres_index(pg_search, shelf):
    from apps.search.models import Document

    call_command("rebuild_index", "--noinput", verbosity=0)
    assert Document.objects.count() == 4
    type(shelf["Floor Lamp"]).objects.filter(pk=shelf["Floor Lamp"].pk).update(is_public=False)
    call_command("update_index", remove=True, verbosity=0)
    assert set(Document.objects.values_list("title", flat=True)) == {
        "Garden Hose",
        "Watering Can",
        "Desk Lamp",
    }
    call_command("clear_index", "--noinput", verbosity=0)
    assert not Document.objects.exists()


def test_a_facet_typed_into_the_address_finds_nothing_rather_than_failing(shelf, client):
    for facet in ["rating:abc", "a b:c", "nosuchfield:1", "category:x", 'product_class:") OR 1=1']:
        response = client.get("/search/", {"q": "lamp", "selected_facets": facet})
        assert response.status_code == 200, facet
        assert response.context["paginator"].count == 0, facet
    assert client.get("/search/", {"q": "lamp"}).context["paginator"].count == 2


def test_without_a_shared_cache_every_search_asks_postgresql(
    shelf, settings, django_assert_num_queries
):
    # Another process (a worker) may have changed the index: a version kept in this process's
    # memory would not say so.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    for _ in range(2):
        with django_assert_num_queries(1):
            assert len(list(SearchQuerySet().auto_query("lamp")[:5])) == 2
