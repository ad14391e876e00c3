"""A transfer in a real browser on a store's tablet (1024x768): a merchandiser plans it in the
dashboard, the sending store ships it from its console, and the receiving store counts in what
arrived (one of two, by scanning) and records the other as missing."""

from urllib.parse import quote

import pytest
from django.urls import reverse
from oscar.core.loading import get_model
from playwright.sync_api import expect

from apps.inventory.models import Transfer
from apps.inventory.selectors import ledger_drift
from tests.e2e.conftest import SCREENSHOTS, TABLET, browser_page
from tests.factories import StoreStaffFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

StockRecord = get_model("partner", "StockRecord")


def sign_in(page, email, then):
    page.goto(f"/accounts/login/?next={then}")
    page.locator("#id_login-username").fill(email)
    page.locator("#id_login-password").fill("secret-pass-123")
    page.locator("button[name=login_submit]").click()


def on_hand(location, product):
    return StockRecord.objects.get(partner=location.partner, product=product).num_in_stock


def test_a_transfer_planned_in_the_dashboard_is_shipped_and_received_in_part_at_the_consoles(
    browser, request, live_server, shop
):
    leeds, york, lamp = shop["leeds"], shop["york"], shop["lamp"]
    merchandiser = UserFactory(email="merch@example.com", is_staff=True, is_superuser=True)
    leeds_clerk = StoreStaffFactory(location=leeds, user__email="clerk@leeds.example").user
    york_clerk = StoreStaffFactory(location=york, user__email="clerk@york.example").user
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def tablet():
        return browser_page(browser, request, live_server.url, viewport=TABLET, has_touch=True)

    with tablet() as page:
        sign_in(page, merchandiser.email, reverse("dashboard:stock-transfer"))
        # Oscar's dashboard dresses selects with select2; the real <select> still carries the value.
        page.locator("#id_source").select_option("leeds", force=True)
        page.locator("#id_destination").select_option("york", force=True)
        page.get_by_label("Product UPC, line 1").fill("LAMP-1")
        page.get_by_label("Quantity, line 1").fill("2")
        page.get_by_label("Note").fill("York window display")
        page.get_by_role("button", name="Create transfer").click()
        expect(page.locator(".alert-success").first).to_contain_text("created: 2 units")
        expect(page.locator("#transfer-state")).to_contain_text("Created")
        page.screenshot(path=str(SCREENSHOTS / "dashboard-transfer.png"), full_page=True)
    transfer = Transfer.objects.get()
    assert on_hand(leeds, lamp) == 2  # planned, nothing moved

    with tablet() as page:
        sign_in(page, leeds_clerk.email, reverse("console:transfers", args=["leeds"]))
        expect(page.locator("#to-ship")).to_contain_text(f"{transfer.number} to Omnishop York")
        page.get_by_role("button", name=f"Ship {transfer.number}").click()
        expect(page.locator(".messages")).to_contain_text(
            f"Transfer {transfer.number} shipped to Omnishop York: 2 units off the shelves."
        )
        expect(page.locator("#in-transit-out")).to_contain_text(transfer.number)
    assert on_hand(leeds, lamp) == 0

    with tablet() as page:
        sign_in(page, york_clerk.email, reverse("console:transfers", args=["york"]))
        expect(page.locator("#to-receive")).to_contain_text("Omnishop Leeds")
        page.get_by_role("link", name=f"Receive {transfer.number}").click()
        count = page.get_by_label("Desk Lamp (LAMP-1)")
        expect(count).to_have_value("2")  # starts at what was shipped
        page.get_by_role("button", name="Start counting from zero").click()
        expect(count).to_have_value("0")
        # One lamp in the box: the scanner's keys land in the scan field and add one to its line.
        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.keyboard.type("lamp-1")
        page.keyboard.press("Enter")
        expect(count).to_have_value("1")
        expect(page.locator("#scan-status")).to_contain_text("Desk Lamp (LAMP-1): 1 of 2.")
        page.screenshot(path=str(SCREENSHOTS / "console-transfer-receive.png"), full_page=True)
        page.get_by_role("button", name=f"Receive {transfer.number}").click()
        expect(page.locator(".messages")).to_contain_text(
            f"Transfer {transfer.number} received: 1 unit missing, recorded."
        )
        expect(page.locator("#done")).to_contain_text(transfer.number)

    transfer.refresh_from_db()
    assert transfer.state == Transfer.State.RECEIVED and transfer.units_short == 1
    assert (on_hand(leeds, lamp), on_hand(york, lamp)) == (0, 1)
    assert list(ledger_drift()) == []


def test_a_managers_reports_draw_their_charts_from_the_shops_own_chart_library(
    browser, request, live_server, two_days, manager
):
    """The reports' charts (Chart.js served from static/vendor) draw under the CSP, beside the
    table that holds the same figures."""
    problems = []
    with browser_page(browser, request, live_server.url, viewport=TABLET) as page:
        page.on(
            "console",
            lambda message: problems.append(message.text) if message.type == "error" else None,
        )
        page.on("pageerror", lambda error: problems.append(str(error)))
        sign_in(
            page,
            manager.email,
            quote(reverse("console:reports", args=["leeds"]) + "?start=2026-11-02&end=2026-11-03"),
        )
        expect(page.locator("#tile-refunds")).to_contain_text("Refunds")
        expect(page.locator("#sales-chart")).to_have_attribute("data-drawn", "1")
        expect(page.locator("#money-back-chart")).to_have_attribute("data-drawn", "1")
        expect(page.locator("#days")).to_contain_text("Mon 2 Nov")
        page.screenshot(path=str(SCREENSHOTS / "console-reports-charts.png"), full_page=True)
    assert problems == []
