"""The product page: what it costs in queries (not growing with the stores), Oscar's view
counts kept off its path, and the stores it names always as they are now."""

import datetime as dt

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.core.loading import get_model

from apps.storefront import analytics
from apps.storefront.analytics import write_product_views
from apps.stores.models import ClosedDay, OpeningHours
from tests.conftest import REQUIRE_SERVICES
from tests.factories import StoreFactory, UserFactory, stock

Category = get_model("catalogue", "Category")
ProductRecord = get_model("analytics", "ProductRecord")
UserProductView = get_model("analytics", "UserProductView")
UserRecord = get_model("analytics", "UserRecord")

#: Queries of a product page, warm (thumbnails known, the page kept), a shopper without and
#: with my store (kept in its own cookie: no session read), on the embedded default (with Redis,
#: 2 and 2: no view-count write): the product, and its stock records at the locations it names
#: (the price and the availability). Before: 24 and 30.
PRODUCT_PAGE_QUERIES = 3
PRODUCT_PAGE_QUERIES_MY_STORE = 3


@pytest.fixture
def page_queries(django_assert_max_num_queries):
    def sql(client, url, ceiling) -> list[str]:
        client.get(url)  # thumbnails made, the product remembered as viewed...
        client.get(url)  # ...and the page kept for that
        with django_assert_max_num_queries(ceiling) as captured:
            assert client.get(url).status_code == 200
        return [q["sql"] for q in captured.captured_queries]

    return sql


def test_the_product_page_costs_the_same_queries_with_7_or_100_stores(shop, client, page_queries):
    url = shop["lamp"].get_absolute_url()
    anonymous = page_queries(client, url, PRODUCT_PAGE_QUERIES)
    chooser = client.__class__()
    chooser.post("/stores/leeds/choose/")
    with_store = page_queries(chooser, url, PRODUCT_PAGE_QUERIES_MY_STORE)
    for i in range(95):
        store = StoreFactory(code=f"s{i}", name=f"Store {i}", latitude=50 + i / 20, longitude=-1)
        stock(store, shop["lamp"], 1 + i % 3)
    assert len(page_queries(client, url, PRODUCT_PAGE_QUERIES)) == len(anonymous)
    assert len(page_queries(chooser, url, PRODUCT_PAGE_QUERIES_MY_STORE)) == len(with_store)
    assert not [sql for sql in anonymous + with_store if 'FROM "stores_location"' in sql]


def test_nearby_stores_and_hours_on_the_page_follow_every_change(shop, client):
    client.post("/stores/leeds/choose/")
    url = shop["lamp"].get_absolute_url()
    york = shop["york"]
    stock(york, shop["lamp"], 4)
    assert "Omnishop York" in client.get(url).content.decode()
    york.name = "Omnishop York Minster"
    york.save()
    assert "Omnishop York Minster" in client.get(url).content.decode()
    york.is_active = False
    york.save()
    assert "Omnishop York" not in client.get(url).content.decode()
    # Leeds closes today and tomorrow: the ready time moves past them.
    leeds = shop["leeds"]
    today = timezone.localdate()
    before = client.get(url).content.decode()
    for day in (today, today + dt.timedelta(days=1)):
        ClosedDay.objects.create(location=leeds, date=day, reason="Stocktake")
    after = client.get(url).content.decode()
    assert "ready for pickup today" not in after and after != before
    OpeningHours.objects.filter(location=leeds).delete()  # a bulk delete sends no signal...
    leeds.save()  # ...the edit form saves the store with it
    assert "ready for pickup" not in client.get(url).content.decode()


def redis_cache_or_skip():
    if not isinstance(caches["default"], RedisCache):
        if REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1 but the cache is not Redis")
        pytest.skip("needs Redis: set REDIS_URL=redis://...")


def test_views_are_counted_in_redis_and_written_in_one_batch(shop, client, page_queries):
    redis_cache_or_skip()
    # Views counted by other tests' pages (their rows rolled back) are not this test's.
    caches["default"]._cache.get_client(write=True).delete(*analytics._keys())
    url = shop["lamp"].get_absolute_url()
    queries = page_queries(client, url, PRODUCT_PAGE_QUERIES)
    writes = [sql for sql in queries if sql.startswith(("UPDATE", "INSERT"))]
    assert writes == []
    client.get(url)
    shopper = UserFactory()
    client.force_login(shopper)
    client.get(url)
    assert not ProductRecord.objects.exists()
    assert write_product_views() == 5  # three anonymous views, one more, one signed in
    assert ProductRecord.objects.get(product=shop["lamp"]).num_views == 5
    assert UserProductView.objects.get().user == shopper
    assert UserRecord.objects.get(user=shopper).num_product_views == 1
    assert write_product_views() == 0  # each view written once


def test_without_redis_a_view_is_written_as_oscar_writes_it(shop, client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    client.get(shop["lamp"].get_absolute_url())
    assert ProductRecord.objects.get(product=shop["lamp"]).num_views == 1
    assert write_product_views() == 0


def test_the_menu_follows_every_change_to_the_categories(shop, client):
    kitchen = Category.add_root(name="Kitchen")
    assert ">Kitchen</a>" in client.get("/basket/").content.decode()
    with CaptureQueriesContext(connection) as captured:
        client.get("/basket/")
    assert not [q for q in captured.captured_queries if "catalogue_category" in q["sql"]]
    kitchen.name = "Cookware"
    kitchen.save()
    page = client.get("/basket/").content.decode()
    assert ">Cookware</a>" in page and ">Kitchen</a>" not in page
    kitchen.is_public = False
    kitchen.save()
    assert ">Cookware</a>" not in client.get("/basket/").content.decode()
