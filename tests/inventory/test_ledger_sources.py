"""Every ledger row a journey writes names what caused it: the order line (web, API, till),
the counter return, the transfer, the count or the import batch."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from apps.checkout.services import place_collect_order, place_delivery_order
from apps.instore import services as instore
from apps.inventory import services as stock
from apps.inventory.imports import import_stock
from apps.inventory.models import StockMovement
from apps.inventory.selectors import ledger_drift, movements_without_source
from apps.pickup import services as pickup
from apps.stores.models import StoreStaff
from tests.checkout.conftest import add_to_basket, choose_collect, place_order, start_guest_checkout
from tests.factories import StoreStaffFactory, UserFactory, pick_all

Reason = StockMovement.Reason
Country = get_model("address", "Country")
Order = get_model("order", "Order")


@pytest.fixture
def manager(shop):
    return StoreStaffFactory(location=shop["leeds"], role=StoreStaff.Role.MANAGER).user


@pytest.fixture
def shopper(db):
    return UserFactory(email="shona@example.com")


@pytest.fixture
def gb(db):
    return Country.objects.create(
        iso_3166_1_a2="GB", name="United Kingdom", is_shipping_country=True
    )


def new_rows(since: int):
    return StockMovement.objects.filter(pk__gt=since)


def last_pk() -> int:
    return StockMovement.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def assert_sourced(since: int, *reasons):
    rows = new_rows(since)
    assert sorted(set(rows.values_list("reason", flat=True))) == sorted(reasons)
    assert not rows.exclude(StockMovement.has_source()).exists()
    assert list(ledger_drift()) == []


def test_web_collect_then_handover_point_at_the_order_lines(shop, client, manager):
    before = last_pk()
    add_to_basket(client, shop["lamp"])
    start_guest_checkout(client)
    choose_collect(client, "leeds")
    place_order(client)
    order = Order.objects.get()
    pickup.start_picking(order=order, by=manager)
    pick_all(order, manager)
    pickup.mark_ready(order=order, by=manager)
    pickup.hand_over(order=order, by=manager, code=order.pickup_code)
    assert_sourced(before, Reason.ALLOCATION, Reason.HANDOVER)
    line = order.lines.get()
    assert set(new_rows(before).values_list("order_line", flat=True)) == {line.pk}


def test_web_home_delivery_points_at_the_order_line(shop, client, gb):
    before = last_pk()
    add_to_basket(client, shop["lamp"])
    start_guest_checkout(client)
    client.post(reverse("checkout:fulfilment"), {"method": "delivery"})
    client.post(
        reverse("checkout:shipping-address"),
        {
            "first_name": "Ann",
            "last_name": "Other",
            "line1": "1 Park Row",
            "line4": "Leeds",
            "postcode": "LS1 5AB",
            "country": gb.pk,
        },
    )
    client.get(reverse("checkout:shipping-method"))  # the only method: chosen for the shopper
    assert place_order(client)["Location"] == reverse("checkout:thank-you")
    rows = new_rows(before)
    assert rows.filter(reason=Reason.ALLOCATION, location=shop["warehouse"]).count() == 1
    assert_sourced(before, Reason.ALLOCATION)


def test_api_orders_short_picks_cancellations_and_expiry_point_at_order_lines(
    shop, shopper, manager, gb
):
    before = last_pk()
    lamp = shop["lamp"].pk
    short, _ = place_collect_order(
        user=shopper, store=shop["leeds"], quantities={lamp: 1}, collector_name="Shona"
    )
    pickup.start_picking(order=short, by=manager)
    pickup.short_pick(order=short, line=short.lines.get(), quantity=1, by=manager, reason="gone")
    cancelled, _ = place_collect_order(
        user=shopper, store=shop["leeds"], quantities={lamp: 1}, collector_name="Shona"
    )
    pickup.cancel(order=cancelled, by=manager, reason="changed mind")
    late, _ = place_collect_order(
        user=shopper, store=shop["leeds"], quantities={lamp: 1}, collector_name="Shona"
    )
    pickup.start_picking(order=late, by=manager)
    pick_all(late, manager)
    pickup.mark_ready(order=late, by=manager)
    pickup.mark_not_collected(order=late, now=timezone.now() + dt.timedelta(days=30))
    place_delivery_order(
        user=shopper,
        quantities={lamp: 1},
        address={
            "first_name": "Shona",
            "last_name": "Reid",
            "line1": "1 Park Row",
            "line4": "Leeds",
            "postcode": "LS1 5AB",
            "country": gb,
        },
    )
    assert_sourced(before, Reason.ALLOCATION, Reason.RELEASE)


def test_till_sale_and_counter_return_point_at_the_line_and_the_return(shop, manager):
    before = last_pk()
    sale = instore.sell(location=shop["leeds"], quantities={shop["lamp"].pk: 2}, by=manager)
    line = sale.lines.get()
    instore.take_return(location=shop["leeds"], order=sale, quantities={line.pk: 1}, by=manager)
    assert_sourced(before, Reason.INSTORE_SALE, Reason.RETURN)
    returned = new_rows(before).get(reason=Reason.RETURN)
    assert returned.counter_return.line == line
    assert new_rows(before).get(reason=Reason.INSTORE_SALE).order_line == line


def test_counts_transfers_imports_and_receipts_point_at_their_batch(shop, manager):
    before = last_pk()
    instore.count_shelf(location=shop["leeds"], product_id=shop["lamp"].pk, counted=7, by=manager)
    stock.adjust(location=shop["leeds"], deltas={shop["lamp"].pk: -1}, note="dropped")
    stock.transfer(
        source=shop["warehouse"], destination=shop["york"], quantities={shop["lamp"].pk: 2}
    )
    stock.receive(location=shop["york"], quantities={shop["lamp"].pk: 3}, note="delivery 12")
    import_stock(text=f"location,sku,delta\nleeds,{shop['lamp'].upc},4\n")
    assert_sourced(
        before, Reason.ADJUSTMENT, Reason.TRANSFER_OUT, Reason.TRANSFER_IN, Reason.RECEIPT
    )
    counts = new_rows(before).filter(reason=Reason.ADJUSTMENT)
    assert {m.stock_count.note for m in counts} == {"shelf count", "dropped"}


def test_the_demo_shop_writes_no_row_without_a_source(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("load_demo", "--orders", "--no-index", "--no-progress", verbosity=0)
    assert StockMovement.objects.filter(reason=Reason.RECEIPT).exists()
    assert StockMovement.objects.filter(reason=Reason.INSTORE_SALE).exists()
    assert not movements_without_source().exists()
