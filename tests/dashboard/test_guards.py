"""Oscar's dashboard cannot go around the console or the stock ledger."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_class, get_model

from apps.inventory.selectors import ledger_drift
from apps.order import statuses
from tests.factories import OrderFactory, UserFactory

StockRecord = get_model("partner", "StockRecord")
StockRecordForm = get_class("dashboard.catalogue.forms", "StockRecordForm")


@pytest.fixture
def merchandiser(client, db):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def change_status(client, order, new_status):
    return client.post(
        reverse("dashboard:order-detail", args=[order.number]),
        {"order_action": "change_order_status", "new_status": new_status},
        follow=True,
    )


def test_the_dashboard_cannot_mark_a_pickup_order_collected(order, merchandiser, client):
    page = client.get(reverse("dashboard:order-detail", args=[order.number])).content.decode()
    assert "This order can" in page and "t have its status changed." in page
    for new_status in (statuses.PICKING, statuses.COLLECTED, statuses.CANCELLED):
        change_status(client, order, new_status)
        order.refresh_from_db()
        assert order.status == statuses.PLACED
    assert not order.status_changes.exists()


def test_the_order_list_bulk_action_refuses_pickup_orders_with_the_reason(
    order, merchandiser, client
):
    response = client.post(
        reverse("dashboard:order-list"),
        {"action": "change_order_statuses", "selected_order": [order.pk], "new_status": "Picking"},
        follow=True,
    )
    assert "its status changes in the store console" in response.content.decode()
    order.refresh_from_db()
    assert order.status == statuses.PLACED


def test_delivery_orders_still_change_status_in_the_dashboard(shop, merchandiser, client):
    order = OrderFactory(delivery=True, lines={shop["lamp"]: 1})  # a web delivery order
    change_status(client, order, statuses.DISPATCHED)
    order.refresh_from_db()
    assert order.status == statuses.DISPATCHED


def test_the_product_form_shows_stock_but_never_changes_it(shop, merchandiser):
    for location in ("warehouse", "leeds"):
        record = StockRecord.objects.get(partner=shop[location].partner, product=shop["lamp"])
        data = {
            "partner": record.partner_id,
            "partner_sku": record.partner_sku,
            "price_currency": "GBP",
            "price": "12.00",
            "num_in_stock": "999",
        }
        form = StockRecordForm(shop["lamp"].product_class, merchandiser, data=data, instance=record)
        assert form.is_valid(), form.errors
        form.save()
    records = StockRecord.objects.filter(product=shop["lamp"])
    figures = {r.partner.location.code: (r.num_in_stock, str(r.price)) for r in records}
    # The warehouse's record carries the one price; a store's has no price field to change.
    assert figures["web"] == (10, "12.00")
    assert figures["leeds"] == (2, "10.00")
    assert list(ledger_drift()) == []
