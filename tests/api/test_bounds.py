"""Numbers beyond what a shop could mean are refused with the field, never a server error."""

import pytest
from rest_framework.test import APIClient

from apps.inventory.imports import FeedRejected, import_stock
from tests.api.conftest import errors
from tests.factories import StoreStaffFactory, UserFactory


@pytest.fixture
def manager(shop):
    return StoreStaffFactory(location=shop["leeds"], role="manager").user


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("quantity", [10**12, 2**63, 10**30])
def test_huge_quantities_on_orders_and_till_sales_are_400(shop, manager, quantity):
    line = [{"upc": "LAMP-1", "quantity": quantity}]
    collect = api(UserFactory()).post(
        "/api/checkout/collect/", {"store": "leeds", "lines": line}, format="json"
    )
    sale = api(manager).post("/api/console/leeds/sales/", {"lines": line}, format="json")
    for response in (collect, sale):
        assert response.status_code == 400, response.content
        assert "quantity" in str(response.json())


@pytest.mark.parametrize("counted", [2**31, 2**63, 10**30])
def test_huge_counts_are_refused_in_the_api_the_console_and_feeds(shop, manager, client, counted):
    response = api(manager).post(
        "/api/console/leeds/stock/counts/",
        {"product": shop["lamp"].pk, "counted": counted},
        format="json",
    )
    assert response.status_code == 400 and errors(response) == {"counted": "max_value"}
    client.force_login(manager)
    page = client.post(
        "/console/leeds/stock/?q=LAMP-1", {"product": shop["lamp"].pk, "counted": counted}
    )
    assert page.status_code == 302  # back to the page, with the reason as a message
    with pytest.raises(FeedRejected, match='line 2, column "on_hand"'):
        import_stock(text=f"location,sku,on_hand\nleeds,LAMP-1,{counted}\n")


def test_a_product_id_that_is_not_a_whole_number_is_400_not_another_product(shop, manager):
    response = api(manager).post(
        "/api/console/leeds/stock/counts/", {"product": shop["lamp"].pk + 0.5, "counted": 0}
    )
    assert response.status_code == 400 and errors(response) == {"product": "invalid"}
    assert shop["lamp"].stockrecords.get(partner__location=shop["leeds"]).num_in_stock > 0


def test_an_overlong_store_search_is_400_on_every_database(shop):
    # On SQLite a LIKE pattern of 100,000 characters was a server error ("pattern too complex").
    response = APIClient().get("/api/stores/", {"q": "x" * 100_000})
    assert response.status_code == 400 and errors(response) == {"q": "max_length"}
    assert APIClient().get("/api/stores/", {"q": "Leeds"}).status_code == 200
