"""The recommendation blocks cost the home, account and product pages at most two queries
(a shopper's consent and their lists; a product's list), however many products they name."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.recommendations import services
from apps.recommendations.models import Recommendation
from tests.factories import ProductFactory, stock

from .conftest import signed_in
from .test_recommendations import shelf

MINE = ('"recommendations_recommendation"', '"profiles_consent"')


def queries(client, url) -> tuple[int, list[str]]:
    """All the queries of a warm page, and those the recommendation blocks made."""
    client.get(url)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    sql = [q["sql"] for q in captured.captured_queries]
    return len(sql), [q for q in sql if any(table in q for table in MINE)]


def more_products(warehouse, n):
    products = [ProductFactory(title=f"Extra {i}") for i in range(n)]
    for product in products:
        stock(warehouse, product, 3)
    return products


def test_home_and_account_pages_cost_the_same_with_few_or_many_recommended(purchases):
    services.compute_recommendations()
    extra = more_products(purchases["warehouse"], 10)  # the same "New in" before and after
    client = signed_in(purchases["shopper"])
    home_few, home_mine = queries(client, "/")
    account_few, _ = queries(client, "/accounts/profile/")
    assert len(home_mine) == 2  # the consent, the lists
    now = timezone.now()
    Recommendation.objects.bulk_create(
        Recommendation(
            kind=kind, user=purchases["shopper"], item=p, rank=10 + i, orders=1, computed_at=now
        )
        for kind in ("buy_again", "for_you")
        for i, p in enumerate(extra)
    )
    home_many, home_mine = queries(client, "/")
    assert (home_many, len(home_mine)) == (home_few, 2)
    assert queries(client, "/accounts/profile/")[0] == account_few
    page = client.get("/").content.decode()
    assert len(shelf(page, "buy_again")) == len(shelf(page, "for_you")) == 4


def test_the_product_page_costs_one_query_more_with_its_list_however_long(purchases, client):
    services.compute_recommendations()
    extra = more_products(purchases["warehouse"], 10)
    lamp = purchases["lamp"]
    client.post("/stores/leeds/choose/")
    few, mine = queries(client, lamp.get_absolute_url())
    assert len(mine) == 1
    now = timezone.now()
    Recommendation.objects.bulk_create(
        Recommendation(kind="bought_with", product=lamp, item=p, rank=10 + i, computed_at=now)
        for i, p in enumerate(extra)
    )
    services.VERSION.replace()  # as a nightly run does
    many, mine = queries(client, lamp.get_absolute_url())
    assert (many, len(mine)) == (few, 1)
    # A product nobody bought with another: no query at all for the block.
    assert queries(client, purchases["kettle"].get_absolute_url())[1] == []
