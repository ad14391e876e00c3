import pytest

from apps.inventory import services
from apps.inventory.selectors import mark_stocked
from apps.stores.selectors import distance_km, find_stores
from tests.factories import ProductFactory, StoreFactory, stock

CITIES = {
    "leeds": ("Leeds", 53.7977, -1.5425),
    "york": ("York", 53.9600, -1.0873),
    "manchester": ("Manchester", 53.4831, -2.2404),
    "london": ("London", 51.5142, -0.1394),
    "glasgow": ("Glasgow", 55.8617, -4.2534),
}


@pytest.fixture
def stores(db):
    return {
        code: StoreFactory(
            code=code,
            name=f"Omnishop {city}",
            city=city,
            latitude=lat,
            longitude=lng,
            postcode=f"{code[:2].upper()}1 1AA",
        )
        for code, (city, lat, lng) in CITIES.items()
    }


def codes(results):
    return [r.store.code for r in results]


def test_distance_is_great_circle():
    assert distance_km(53.7977, -1.5425, 51.5142, -0.1394) == pytest.approx(272, abs=3)


def test_stores_near_a_point_come_nearest_first(stores):
    results = find_stores(near=(53.80, -1.55), limit=3)
    assert codes(results) == ["leeds", "york", "manchester"]
    assert results[0].distance_km < 1


def test_a_city_query_lists_that_store_then_its_neighbours(stores):
    assert codes(find_stores(query="york", limit=3)) == ["york", "leeds", "manchester"]


def test_a_postcode_query_finds_the_store(stores):
    assert codes(find_stores(query="GL1 1AA", limit=1)) == ["glasgow"]


def test_no_match_finds_nothing(stores):
    assert find_stores(query="Atlantis") == []


def test_each_result_says_whether_it_has_the_whole_basket(stores):
    lamp, kettle = ProductFactory(), ProductFactory()
    stock(stores["leeds"], lamp, 2)
    stock(stores["york"], lamp, 2)
    stock(stores["york"], kettle, 1)
    services.allocate(location=stores["york"], quantities={kettle.pk: 1})
    stock(stores["manchester"], lamp, 5)
    stock(stores["manchester"], kettle, 5)
    results = mark_stocked(
        find_stores(near=(53.80, -1.55), limit=3), quantities={lamp.pk: 2, kettle.pk: 1}
    )
    assert [(r.store.code, r.has_everything) for r in results] == [
        ("leeds", False),
        ("york", False),
        ("manchester", True),
    ]


def test_click_and_collect_only_leaves_out_stores_without_it(stores):
    stores["york"].click_and_collect = False
    stores["york"].save()
    assert "york" not in codes(
        find_stores(near=(53.80, -1.55), limit=3, click_and_collect_only=True)
    )


def test_a_thousand_stores_take_a_constant_number_of_queries(db, django_assert_max_num_queries):
    for i in range(60):
        StoreFactory(
            code=f"bulk-{i}",
            name=f"Bulk {i}",
            latitude=50 + i * 0.1,
            longitude=-3 + (i % 7) * 0.3,
            hours={},
        )
    product = ProductFactory()
    with django_assert_max_num_queries(7):
        results = mark_stocked(find_stores(near=(53.0, -2.0), limit=20), quantities={product.pk: 1})
    assert len(results) == 20
    distances = [r.distance_km for r in results]
    assert distances == sorted(distances)


def test_store_pages(stores, client):
    response = client.get("/stores/", {"q": "Leeds"})
    assert response.status_code == 200
    assert codes(response.context["results"])[:2] == ["leeds", "york"]
    assert (
        client.get("/stores/", {"lat": "53.8", "lng": "-1.55"}).context["results"][0].store.code
        == "leeds"
    )
    assert client.get("/stores/", {"lat": "999", "lng": "0"}).context["form"].errors
    page = client.get("/stores/leeds/")
    assert page.status_code == 200 and "Omnishop Leeds" in page.content.decode()
