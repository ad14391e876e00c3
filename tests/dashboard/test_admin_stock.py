"""Stock counts and prices are read-only in Django's admin, even for a superuser: stock changes
only through the stock screens and imports (which write the ledger), the price once on the
warehouse's record."""

from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from apps.inventory.models import StockMovement
from tests.factories import UserFactory

StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def leeds_lamp(shop):
    return StockRecord.objects.get(partner=shop["leeds"].partner, product=shop["lamp"])


def test_a_superuser_cannot_change_counts_or_price_in_the_admin_but_can_move_the_bin(
    shop, admin_client
):
    record = leeds_lamp(shop)
    url = reverse("admin:partner_stockrecord_change", args=[record.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="num_in_stock"' not in page and 'name="price"' not in page
    assert "change only through" in page and reverse("dashboard:stock-import") in page
    movements = StockMovement.objects.count()

    response = admin_client.post(
        url,
        {
            "product": record.product_id,
            "partner": record.partner_id,
            "partner_sku": record.partner_sku,
            "bin_location": "A-03-2",
            "low_stock_threshold": "",
            "num_in_stock": "99",
            "num_allocated": "5",
            "price": "1.00",
            "price_currency": "GBP",
        },
    )

    assert response.status_code == 302  # saved: the fields it may change
    record.refresh_from_db()
    assert record.bin_location == "A-03-2"
    assert (record.num_in_stock, record.num_allocated, record.price) == (2, 0, Decimal("10.00"))
    assert StockMovement.objects.count() == movements


def test_the_stock_list_in_the_admin_shows_counts_and_bins(shop, admin_client):
    page = admin_client.get(reverse("admin:partner_stockrecord_changelist")).content.decode()
    assert "Bin location" in page and "Number allocated" in page


def test_the_admins_ledger_links_each_row_to_its_order_and_import(shop, admin_client):
    from apps.inventory.imports import import_stock
    from tests.factories import OrderFactory

    order = OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1})
    batch = import_stock(text="location,sku,delta\nleeds,LAMP-1,3\n", filename="delivery.csv")
    page = admin_client.get(reverse("admin:inventory_stockmovement_changelist")).content.decode()
    assert f'href="{reverse("dashboard:order-detail", args=[order.number])}"' in page
    ledger = reverse("dashboard:stock-ledger")
    assert f'href="{ledger}?stock_import={batch.stock_import.pk}"' in page
    assert 'name="num_in_stock"' not in page
