"""Pictures of the store tools on a tablet (1024×768) for docs/screenshots/: `make screenshots`
runs this file (pytest collects it only when named, so the test command never rewrites the
committed pictures).

The walk is the demo shop's London Soho store: a till sale of three items paid in cash and its
receipt, an order's pick list half scanned, its bag labels, the cancel confirmation, a transfer
from the warehouse on its way and being received, and the merchandiser's transfer list.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from oscar.core.loading import get_model
from playwright.sync_api import expect

from apps.inventory import services as stock
from apps.order import statuses
from apps.stores.models import Location
from tests.e2e.conftest import ROOT, TABLET

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
OUT = Path(os.environ.get("SCREENSHOTS_DIR") or ROOT / "test-results" / "screenshots")


def sign_in(page, email, password, landing):
    page.goto(f"/accounts/login/?next={landing}")
    page.locator("#id_login-username").fill(email)
    page.locator("#id_login-password").fill(password)
    page.locator("button[name=login_submit]").click()


def scan(page, text):
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.type(text)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_store_tools(browser, live_server):
    call_command("load_demo", "--products", "36", "--orders", "--no-progress", verbosity=0)
    london = Location.objects.get(code="london-soho")
    warehouse = Location.objects.get(kind=Location.Kind.WAREHOUSE)
    OUT.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=TABLET, has_touch=True, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(20_000)

    def shoot(name, full_page=False):
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(OUT / f"{name}.png"), full_page=full_page)

    try:
        sign_in(page, "staff.london@omnishop.example", "omnishop-staff", "/console/")
        expect(page.locator("header")).to_contain_text("London Soho")

        # The till: three items scanned, paid in cash, the receipt.
        on_shelf = StockRecord.objects.filter(
            partner_id=london.partner_id, num_in_stock__gte=3, num_allocated=0
        ).select_related("product")[:2]
        page.goto(reverse("console:sale", args=[london.code]))
        for record in [on_shelf[0], on_shelf[0], on_shelf[1]]:
            scan(page, record.product.upc)
        expect(page.locator("#sale-cart tbody tr")).to_have_count(2)
        shoot("console-till")
        total = float(page.locator("#sale-total").get_attribute("data-total"))
        page.get_by_label("Cash given").fill(f"{int(total) + 20}.00")
        page.get_by_role("button", name="Cash: record sale").click()
        expect(page.locator("main")).to_contain_text("Change")
        shoot("console-receipt")

        # An order to pick: started, its pick list in bin order with one item scanned.
        order = Order.objects.filter(pickup_location=london, status=statuses.PLACED).first()
        page.goto(reverse("console:order", args=[london.code, order.number]))
        page.get_by_role("button", name="Start picking").click()
        page.get_by_role("link", name="Pick list (scan items)").click()
        scan(page, order.lines.first().upc)
        shoot("console-pick-list")
        page.goto(reverse("console:bag-labels", args=[london.code, order.number]) + "?bags=2")
        shoot("console-bag-labels")
        page.goto(reverse("console:action", args=[london.code, order.number, "cancel"]))
        page.get_by_label("Customer asked to cancel").check()
        shoot("console-cancel-confirm")

        # A transfer from the warehouse on its way to the store, then being received.
        products = list(
            StockRecord.objects.filter(
                partner_id=warehouse.partner_id, num_in_stock__gte=10
            ).values_list("product_id", flat=True)[:3]
        )
        transfer = stock.create_transfer(
            source=warehouse,
            destination=london,
            quantities=dict.fromkeys(products, 4),
            note="Weekend top-up",
            ship=True,
        )
        page.goto(reverse("console:transfers", args=[london.code]))
        shoot("console-transfers")
        page.goto(reverse("console:transfer-receive", args=[london.code, transfer.pk]))
        shoot("console-transfer-receive")

        page.context.clear_cookies()
        sign_in(page, "merch@omnishop.example", "omnishop-merch", "/dashboard/stock/transfers/")
        expect(page.locator("body")).to_contain_text(transfer.number, timeout=30_000)
        shoot("dashboard-transfers")
    finally:
        context.close()
