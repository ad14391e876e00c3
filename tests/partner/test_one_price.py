"""One price in every channel: the warehouse's stock record prices a product wherever it is
sold, even when a store's record carries another price."""

from decimal import Decimal

from oscar.core.loading import get_model

from apps.checkout.services import place_collect_order
from apps.instore.services import sell
from tests.factories import LocationFactory, ProductFactory, StoreFactory, UserFactory, stock

StockRecord = get_model("partner", "StockRecord")


def test_collect_till_and_api_all_charge_the_warehouse_price(db, client):
    warehouse = LocationFactory(code="web", kind="warehouse")
    leeds = StoreFactory(code="leeds")
    lamp = ProductFactory(upc="LAMP-1")
    stock(warehouse, lamp, 5, price=Decimal("10.00"))
    stock(leeds, lamp, 5, price=Decimal("99.00"))  # a stale price at the store: never used
    merch = UserFactory(is_superuser=True)

    collected, _ = place_collect_order(
        user=UserFactory(), store=leeds, quantities={lamp.pk: 1}, collector_name="Ann"
    )
    sold = sell(location=leeds, quantities={lamp.pk: 1}, by=merch)
    listed = client.get("/api/products/", {"store": "leeds"}).json()["results"][0]

    assert collected.lines.get().unit_price_incl_tax == Decimal("10.00")
    assert sold.lines.get().unit_price_incl_tax == Decimal("10.00")
    assert listed["price"] == "10.00"
    # Both orders took their units from the store's own record.
    assert StockRecord.objects.get(partner=leeds.partner, product=lamp).num_in_stock == 4
