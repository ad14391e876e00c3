"""A merchandiser compares the stores, then moves stock to the one that is short, in a browser."""

import re

import pytest
from django.core.management import call_command
from oscar.core.loading import get_model
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

StockRecord = get_model("partner", "StockRecord")


def some_activity():
    """A few pickups at Leeds (two collected) and a till sale in London, for the overview."""
    from django.contrib.auth import get_user_model

    from apps.checkout.services import place_collect_order
    from apps.instore.services import sell
    from apps.pickup import selectors as pickup_selectors
    from apps.pickup import services
    from apps.stores.models import Location

    User = get_user_model()
    merch, shopper = (
        User.objects.get(email=f"{who}@omnishop.example") for who in ("merch", "shopper")
    )
    leeds, london = Location.objects.get(code="leeds"), Location.objects.get(code="london-soho")
    stocked = StockRecord.objects.filter(partner=leeds.partner, num_in_stock__gte=5).first()
    for n in range(3):
        order, _ = place_collect_order(
            user=shopper, store=leeds, quantities={stocked.product_id: 1}, collector_name="Shona"
        )
        if n < 2:
            services.start_picking(order=order, by=merch)
            for line in pickup_selectors.unconfirmed_lines(order):
                services.confirm_line(order=order, line=line, by=merch)
            services.mark_ready(order=order, by=merch)
            services.hand_over(order=order, by=merch, code=order.pickup_code)
    sold = StockRecord.objects.filter(partner=london.partner, num_in_stock__gte=2).first()
    sell(location=london, quantities={sold.product_id: 2}, by=merch)


def test_merchandiser_reviews_stores_and_transfers_stock(page):
    call_command("load_demo", "--products", "36", "--no-progress", verbosity=0)
    short = (
        StockRecord.objects.filter(partner__location__code="leeds", num_in_stock=0)
        .select_related("product")
        .first()
    )
    upc = short.product.upc
    some_activity()

    page.goto("/accounts/login/?next=/dashboard/stores/")
    page.locator("#id_login-username").fill("merch@omnishop.example")
    page.locator("#id_login-password").fill("omnishop-merch")
    page.locator("button[name=login_submit]").click()
    leeds_row = page.locator("#stores tr").filter(has_text="Omnishop Leeds")
    expect(leeds_row.locator("td").nth(1)).to_contain_text("3")  # pickup orders
    expect(leeds_row.locator("td").nth(4)).to_have_text("2")  # collected
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-stores.png"), full_page=True)

    page.goto("/dashboard/stock/transfer/")
    # Oscar's dashboard dresses selects with select2; the real <select> still carries the value.
    page.locator("#id_source").select_option("web", force=True)
    page.locator("#id_destination").select_option("leeds", force=True)
    page.get_by_label("Product UPC, line 1").fill(upc)
    page.get_by_label("Quantity, line 1").fill("4")
    page.get_by_role("button", name="Create and ship now").click()
    expect(page.locator(".alert-success").first).to_contain_text("created and shipped: 4 units")

    # The units are on the road: the warehouse's ledger row links to the transfer's page.
    page.goto(f"/dashboard/stock/?location=leeds&q={upc}")
    page.screenshot(path=str(SCREENSHOTS / "dashboard-stock.png"), full_page=True)
    warehouse = StockRecord.objects.get(partner__location__code="web", product=short.product)
    page.goto(f"/dashboard/stock/{warehouse.pk}/")
    page.locator("#movements a.movement-transfer").first.click()
    expect(page).to_have_url(re.compile(r"/dashboard/stock/transfers/\d+/$"))
    expect(page.locator("#transfer-state")).to_contain_text("In transit")
    short.refresh_from_db()
    assert short.num_in_stock == 0  # arrives when Leeds receives it


def sign_in(page, next_url):
    from tests.factories import UserFactory

    UserFactory(email="buyer@omnishop.example", is_staff=True, is_superuser=True)
    page.goto(f"/accounts/login/?next={next_url}")
    page.locator("#id_login-username").fill("buyer@omnishop.example")
    page.locator("#id_login-password").fill("secret-pass-123")
    page.locator("button[name=login_submit]").click()


def test_a_store_with_a_closed_day_saves_again_and_keeps_it(tablet):
    import datetime as dt

    from apps.stores.models import ClosedDay
    from tests.factories import StoreFactory

    leeds = StoreFactory(code="leeds", name="Omnishop Leeds")
    ClosedDay.objects.create(location=leeds, date=dt.date(2026, 12, 25), reason="Christmas")

    sign_in(tablet, "/dashboard/stores/leeds/edit/")
    closed = tablet.locator("#closed-days input[type=date]").first
    expect(closed).to_have_value("2026-12-25")  # the saved day is shown, not a blank field
    tablet.get_by_label("Name").fill("Omnishop Leeds Briggate")
    tablet.get_by_role("button", name="Save").click()

    expect(tablet.locator(".alert-success").first).to_contain_text("Omnishop Leeds Briggate saved.")
    expect(tablet.locator("#closed-days input[type=date]").first).to_have_value("2026-12-25")
    leeds.refresh_from_db()
    assert leeds.name == "Omnishop Leeds Briggate"
    assert list(leeds.closed_days.values_list("date", "reason")) == [
        (dt.date(2026, 12, 25), "Christmas")
    ]


def test_a_merchandiser_previews_a_stock_file_then_applies_it_and_moves_a_bin(tablet):
    from apps.inventory.models import StockImport, StockMovement
    from tests.factories import ProductFactory, StoreFactory, stock

    leeds = StoreFactory(code="leeds", name="Omnishop Leeds")
    lamp = ProductFactory(title="Desk Lamp", upc="LAMP-1")
    record = stock(leeds, lamp, 10)
    ledger, imports = StockMovement.objects.count(), StockImport.objects.count()

    sign_in(tablet, "/dashboard/stock/import/")
    expect(tablet.locator("#location-codes")).to_contain_text("leeds")
    tablet.locator("#id_file").set_input_files(
        files=[
            {
                "name": "count.csv",
                "mimeType": "text/csv",
                "buffer": b"location,sku,on_hand,bin_location\nleeds,LAMP-1,25,A-03-2\n",
            }
        ]
    )
    tablet.get_by_role("button", name="Preview").click()

    row = tablet.locator("#preview-rows tbody tr").first
    expect(row).to_contain_text("10 → 25")
    expect(row).to_contain_text("(none) → A-03-2")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tablet.screenshot(path=str(SCREENSHOTS / "dashboard-import-preview.png"), full_page=True)
    record.refresh_from_db()
    assert (record.num_in_stock, StockMovement.objects.count()) == (10, ledger)
    assert StockImport.objects.count() == imports  # the preview wrote nothing

    tablet.get_by_role("button", name="Apply this file").click()
    expect(tablet.locator(".alert-success").first).to_contain_text(
        "Imported 1 of 1 rows from count.csv, 1 bin locations set."
    )
    record.refresh_from_db()
    assert (record.num_in_stock, record.bin_location) == (25, "A-03-2")

    tablet.goto(f"/dashboard/stock/{record.pk}/")
    expect(tablet.locator("#movements")).to_contain_text("Import #")
    tablet.get_by_label("Bin location").fill("B-01-1")
    tablet.get_by_role("button", name="Save bin").click()
    expect(tablet.locator("#bin-history")).to_contain_text("A-03-2 -> B-01-1")
    record.refresh_from_db()
    assert (record.bin_location, record.num_in_stock) == ("B-01-1", 25)


def test_a_merchandiser_narrows_the_orders_and_reads_a_pickup_timeline(tablet):
    from apps.order import statuses
    from apps.pickup.models import PickupEvent
    from tests.factories import OrderFactory, ProductFactory, StoreFactory

    leeds = StoreFactory(code="leeds", name="Omnishop Leeds")
    york = StoreFactory(code="york", name="Omnishop York")
    lamp = ProductFactory(title="Desk Lamp", upc="LAMP-1")
    picking = OrderFactory(store=leeds, lines={lamp: 1}, status=statuses.PICKING)
    OrderFactory(store=york, lines={lamp: 1})
    OrderFactory(store=leeds, lines={lamp: 1}, channel="store")
    PickupEvent.objects.create(
        order=picking,
        kind=PickupEvent.Kind.SHORT_PICK,
        detail={"reason": "Damaged", "note": "box crushed"},
    )

    sign_in(tablet, "/dashboard/orders/")
    facets = tablet.locator("#order-facets")
    facets.get_by_role("link", name="Web collect (2)").click()
    facets.get_by_role("link", name="Omnishop Leeds (1)").click()
    expect(facets.get_by_role("link", name="Store till (1)")).to_be_visible()  # Leeds' till sale
    expect(tablet.locator("#orders_form input[name=selected_order]")).to_have_count(1)
    expect(tablet.locator("#orders_form")).to_contain_text(picking.number)
    tablet.screenshot(path=str(SCREENSHOTS / "dashboard-orders.png"), full_page=True)

    tablet.goto(f"/dashboard/orders/{picking.number}/")
    timeline = tablet.locator("#pickup-timeline")
    expect(timeline).to_contain_text("Short pick")
    expect(timeline.locator(".event-reason").last).to_have_text("Damaged")
    expect(timeline.locator(".event-note").last).to_have_text("box crushed")
