"""Till sales and counter returns: same stock rows as the web, and the same customer."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from oscar.core.loading import get_model

from apps.instore import services
from apps.inventory.selectors import availability, ledger_drift
from apps.inventory.services import InsufficientStock, allocate
from apps.order import statuses
from tests.factories import OrderFactory, StoreStaffFactory, UserFactory

Order = get_model("order", "Order")


@pytest.fixture
def leeds_staff(shop):
    return StoreStaffFactory(location=shop["leeds"]).user


def ats(shop):
    return availability(products=[shop["lamp"]], locations=[shop["leeds"]]).at(
        shop["lamp"], shop["leeds"]
    )


def test_a_till_sale_takes_stock_from_the_same_rows_the_website_sells(shop, leeds_staff, client):
    client.post(reverse("stores:choose", args=["leeds"]))
    page = " ".join(client.get(shop["lamp"].get_absolute_url()).content.decode().split())
    assert "Only 2 left at Omnishop Leeds" in page
    order = services.sell(location=shop["leeds"], quantities={shop["lamp"].pk: 1}, by=leeds_staff)
    assert order.channel == "store" and order.status == statuses.COMPLETED
    assert order.lines.get().partner.location == shop["leeds"]
    assert ats(shop) == 1
    page = " ".join(client.get(shop["lamp"].get_absolute_url()).content.decode().split())
    assert "Only 1 left at Omnishop Leeds" in page
    assert list(ledger_drift()) == []


def test_a_till_sale_never_takes_units_promised_to_pickup_orders(shop, leeds_staff):
    allocate(location=shop["leeds"], quantities={shop["lamp"].pk: 2})
    with pytest.raises(
        InsufficientStock, match="Desk Lamp is no longer available at Omnishop Leeds"
    ):
        services.sell(location=shop["leeds"], quantities={shop["lamp"].pk: 1}, by=leeds_staff)
    assert not Order.objects.exists()


def test_a_sale_to_a_known_customer_appears_in_their_account(shop, leeds_staff, client):
    shopper = UserFactory(email="shona@example.com")
    customer = services.find_customer("SHONA@example.com")
    assert customer == shopper
    order = services.sell(
        location=shop["leeds"], quantities={shop["lamp"].pk: 1}, by=leeds_staff, customer=customer
    )
    client.force_login(shopper)
    history = " ".join(client.get(reverse("customer:order-list")).content.decode().split())
    assert order.number in history and "In store" in history


def test_staff_of_another_store_cannot_sell_from_it(shop):
    york_staff = StoreStaffFactory(location=shop["york"]).user
    with pytest.raises(PermissionDenied):
        services.sell(location=shop["leeds"], quantities={shop["lamp"].pk: 1}, by=york_staff)
    assert ats(shop) == 2


def test_a_counter_return_goes_back_on_sale_and_records_the_refund(shop, leeds_staff):
    order = services.sell(location=shop["leeds"], quantities={shop["lamp"].pk: 2}, by=leeds_staff)
    line = order.lines.get()
    refund = services.take_return(
        location=shop["leeds"],
        order=order,
        quantities={line.pk: 1},
        by=leeds_staff,
        reason="changed mind",
    )
    assert refund == line.unit_price_incl_tax
    assert ats(shop) == 1
    with pytest.raises(services.InstoreError):
        services.take_return(
            location=shop["leeds"], order=order, quantities={line.pk: 2}, by=leeds_staff
        )
    assert list(ledger_drift()) == []


def test_a_damaged_return_is_refunded_but_not_put_back_on_sale(shop, leeds_staff):
    order = services.sell(location=shop["leeds"], quantities={shop["lamp"].pk: 1}, by=leeds_staff)
    services.take_return(
        location=shop["leeds"],
        order=order,
        quantities={order.lines.get().pk: 1},
        by=leeds_staff,
        damaged=True,
    )
    assert ats(shop) == 1
    assert order.counter_returns.get().damaged


def test_an_open_pickup_order_cannot_be_returned(shop, leeds_staff):
    order = OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1})
    with pytest.raises(services.InstoreError, match="only handed-over orders"):
        services.take_return(
            location=shop["leeds"],
            order=order,
            quantities={order.lines.get().pk: 1},
            by=leeds_staff,
        )


def test_only_managers_record_shelf_counts_and_nothing_changes_otherwise(shop, leeds_staff):
    from apps.inventory.models import StockMovement
    from apps.stores.models import StoreStaff

    with pytest.raises(PermissionDenied):
        services.count_shelf(
            location=shop["leeds"], product_id=shop["lamp"].pk, counted=9, by=leeds_staff
        )
    assert not StockMovement.objects.filter(reason="adjustment").exists()
    manager = StoreStaffFactory(location=shop["leeds"], role=StoreStaff.Role.MANAGER).user
    services.count_shelf(location=shop["leeds"], product_id=shop["lamp"].pk, counted=9, by=manager)
    assert ats(shop) == 9 and list(ledger_drift()) == []
