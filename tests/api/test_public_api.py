"""The public API: the store finder and the catalogue with one price and per-store stock."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from oscar.core.loading import get_model
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from tests.api.conftest import errors
from tests.factories import ProductFactory, stock

Category = get_model("catalogue", "Category")
LEEDS = {"lat": 53.80, "lng": -1.55}


@pytest.fixture(autouse=True)
def fresh_throttle():
    """The test client's address starts with its whole anonymous allowance (only its own
    counter is reset: other test processes share the cache)."""
    cache.delete(AnonRateThrottle.cache_format % {"scope": "anon", "ident": "127.0.0.1"})


@pytest.fixture
def api():
    return APIClient()


def test_stores_nearest_first_with_how_many_they_have(shop, api):
    body = api.get(reverse("api:stores"), {**LEEDS, "product": shop["lamp"].pk}).json()
    assert [(s["code"], s["available"]) for s in body] == [("leeds", 2), ("york", 0)]
    assert body[0]["distance_km"] < body[1]["distance_km"]
    assert body[0]["opening"].startswith(("Open until", "Closed"))
    assert body[0]["ready_for_pickup_at"] is not None


def test_stores_by_town_and_bad_finder_input(shop, api):
    assert api.get(reverse("api:stores"), {"q": "York"}).json()[0]["code"] == "york"
    half = api.get(reverse("api:stores"), {"lat": 53.8})
    assert half.status_code == 422 and errors(half) == {"non_field_errors": "incomplete"}
    off_the_map = api.get(reverse("api:stores"), {"lat": 91, "lng": 0})
    assert off_the_map.status_code == 400 and errors(off_the_map) == {"lat": "max_value"}
    unknown = api.get(reverse("api:stores"), {"product": 999999})
    assert unknown.status_code == 422 and errors(unknown) == {"product": "does_not_exist"}


def test_a_store_page_has_its_week_and_404s_when_unknown(shop, api):
    body = api.get(reverse("api:store", args=["leeds"])).json()
    assert [(h["day"], h["opens"], h["closes"]) for h in body["opening_hours"]][0] == (
        "Monday",
        "09:00",
        "17:30",
    )
    assert len(body["opening_hours"]) == 7 and body["holding_days"] == 7
    assert api.get(reverse("api:store", args=["nowhere"])).status_code == 404


def test_products_carry_one_price_and_stock_online_and_at_a_store(shop, api):
    body = api.get(reverse("api:products"), {"q": "lamp", "store": "leeds"}).json()
    assert body["count"] == 1
    lamp = body["results"][0]
    assert (lamp["upc"], lamp["price"], lamp["currency"]) == ("LAMP-1", "10.00", "GBP")
    assert (lamp["available_online"], lamp["available_at_store"]) == (10, 2)
    assert lamp["url"].endswith(shop["lamp"].get_absolute_url())


def test_only_what_the_store_can_sell(shop, api):
    york = api.get(reverse("api:products"), {"store": "york", "in_stock_at_store": "true"})
    assert york.json()["count"] == 0
    leeds = api.get(reverse("api:products"), {"store": "leeds", "in_stock_at_store": "true"})
    assert [p["upc"] for p in leeds.json()["results"]] == ["LAMP-1"]
    bad = api.get(reverse("api:products"), {"in_stock_at_store": "true"})
    assert bad.status_code == 422 and errors(bad) == {"store": "incomplete"}
    atlantis = api.get(reverse("api:products"), {"store": "atlantis"})
    assert atlantis.status_code == 422
    assert atlantis.json()["errors"] == [
        {"code": "invalid_choice", "detail": "No such store.", "attr": "store"}
    ]
    maybe = api.get(reverse("api:products"), {"store": "leeds", "in_stock_at_store": "maybe"})
    assert maybe.status_code == 400 and errors(maybe) == {"in_stock_at_store": "invalid"}


def test_a_product_lists_the_nearby_stores_that_have_it(shop, api):
    body = api.get(reverse("api:product", args=[shop["lamp"].pk]), {"store": "york"}).json()
    assert (body["available_at_store"], body["price"]) == (0, "10.00")
    assert [(s["code"], s["available"]) for s in body["nearby_stores"]] == [("leeds", 2)]
    assert api.get(reverse("api:product", args=[999999])).status_code == 404


def test_a_page_of_products_runs_the_same_queries_for_5_and_for_40(
    shop, api, django_assert_max_num_queries
):
    for n in range(4):
        stock(shop["warehouse"], ProductFactory(title=f"Mug {n}"), 3)
    api.get(reverse("api:products"))  # a process's first request reads the stores
    with django_assert_max_num_queries(20) as few:
        assert api.get(reverse("api:products")).json()["count"] == 5
    for n in range(35):
        stock(shop["warehouse"], ProductFactory(title=f"Plate {n}"), 3)
    with django_assert_max_num_queries(20) as many:
        assert len(api.get(reverse("api:products")).json()["results"]) == 40
    assert len(many.captured_queries) == len(few.captured_queries)


def test_anonymous_callers_are_rate_limited(shop, api, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    assert api.get(reverse("api:stores")).status_code == 200
    assert api.get(reverse("api:stores")).status_code == 200
    throttled = api.get(reverse("api:stores"))
    assert throttled.status_code == 429 and "Retry-After" in throttled


def test_products_of_a_category_and_its_subcategories(shop, api):
    home = Category.add_root(name="Home", slug="home")
    lighting = home.add_child(name="Lighting", slug="lighting")
    shop["lamp"].categories.add(lighting)
    stock(shop["warehouse"], ProductFactory(title="Chair"), 1)
    in_home = api.get(reverse("api:products"), {"category": "home"}).json()
    assert [p["upc"] for p in in_home["results"]] == ["LAMP-1"]
    garden = api.get(reverse("api:products"), {"category": "garden"})
    assert garden.status_code == 422
    assert garden.json()["errors"][0] == {
        "code": "invalid_choice",
        "detail": "No such category.",
        "attr": "category",
    }
