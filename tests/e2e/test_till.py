"""A Saturday queue at the till, on the store's tablet (1024×768): three items scanned or
searched, paid in cash, the change shown, and the receipt printed."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, TABLET, serious_violations
from tests.factories import ProductFactory, StoreStaffFactory, UserFactory, stock

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

Order = get_model("order", "Order")


@pytest.fixture
def counter(shop):
    """The Leeds till with a mug and a pen beside the lamp, and Priya at the counter."""
    for title, upc, price in (("Tea Mug", "MUG-1", "4.99"), ("Gel Pen", "PEN-1", "1.25")):
        product = ProductFactory(title=title, upc=upc)
        stock(shop["warehouse"], product, 10, price=Decimal(price))
        stock(shop["leeds"], product, 5, price=Decimal(price))
    staff = UserFactory(email="priya@omnishop.example", first_name="Priya", last_name="Patel")
    StoreStaffFactory(location=shop["leeds"], user=staff)
    return staff


def scan(page, code):
    """What a barcode scanner does: types the code into the scan box and presses Enter."""
    box = page.locator("main input[data-scan]")
    box.fill(code)
    box.press("Enter")


def test_a_cash_sale_of_three_items_shows_the_change_and_prints_a_receipt(tablet, counter, shop):
    page = tablet
    page.goto("/accounts/login/?next=/console/leeds/sale/")
    page.locator("#id_login-username").fill("priya@omnishop.example")
    page.locator("#id_login-password").fill("secret-pass-123")
    page.locator("button[name=login_submit]").click()
    expect(page.locator("h1")).to_have_text("In-store sale")

    scan(page, "LAMP-1")
    expect(page.locator("#sale-cart")).to_contain_text("Desk Lamp")
    scan(page, "MUG-1")
    scan(page, "MUG-1")  # one mug too many: the − button takes it off
    expect(page.locator("#sale-total")).to_have_text("£19.98")
    page.get_by_role("button", name="One less Tea Mug").click()
    expect(page.locator("#sale-total")).to_have_text("£14.99")
    scan(page, "pen")  # not a barcode: a search, and the pen added from the list
    page.get_by_role("button", name="Add Gel Pen").click()
    expect(page.locator("#sale-total")).to_have_text("£16.24")
    expect(page.locator("#sale-cart tfoot")).to_contain_text("3 items")
    row = page.locator("#sale-cart tr", has_text="Tea Mug")
    expect(row.locator(".line-total")).to_have_text("£4.99")
    expect(page.get_by_label("Quantity of Tea Mug")).to_have_value("1")

    cash = page.get_by_label("Cash given").first
    cash.fill("15")
    expect(page.locator("#change-due")).to_have_text("£1.24 more needed")
    cash.fill("20")
    expect(page.locator("#change-due")).to_have_text("Change £3.76")
    # Everything needed to take the money is on the tablet's screen, with no sideways scroll.
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
    assert serious_violations(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "console-till.png"), full_page=True)
    page.get_by_role("button", name="Cash: record sale").click()

    order = Order.objects.get(channel="store")
    expect(page.locator(".messages")).to_contain_text(
        f"Sale recorded as order #{order.number}. Change due: £3.76."
    )
    receipt = page.locator("#receipt")
    expect(receipt.locator("#receipt-number")).to_have_text(order.number)
    expect(receipt).to_contain_text("Omnishop Leeds")
    lines = receipt.locator(".receipt-lines tbody tr")
    expect(lines).to_have_count(3)
    # item, quantity, unit price, line total
    for cells in (
        ["Desk Lamp", "1", "£10.00", "£10.00"],
        ["Tea Mug", "1", "£4.99", "£4.99"],
        ["Gel Pen", "1", "£1.25", "£1.25"],
    ):
        expect(lines.filter(has_text=cells[0]).locator("td")).to_have_text(cells)
    expect(receipt.locator("#receipt-tax")).to_have_text("£0.00")
    expect(receipt.locator("#receipt-total")).to_have_text("£16.24")
    expect(receipt.locator("#receipt-tendered")).to_have_text("£20.00")
    expect(receipt.locator("#receipt-change")).to_have_text("£3.76")
    expect(receipt).to_contain_text("Served by Priya")
    expect(page.get_by_role("button", name="Print receipt")).to_be_visible()
    assert serious_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "console-till-receipt.png"), full_page=True)

    # On paper: the slip alone, no buttons or console header.
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print receipt")).to_be_hidden()
    expect(page.locator("body > header")).to_be_hidden()
    expect(receipt.locator("#receipt-total")).to_be_visible()
    expect(receipt.get_by_text("Omnishop Leeds")).to_be_visible()  # the store heads the slip
    page.emulate_media(media="screen")

    sale = order.till_sale
    assert (sale.tender, sale.amount_tendered, sale.change_given) == (
        "cash",
        Decimal("20.00"),
        Decimal("3.76"),
    )
    # The next customer's first scan, straight from the receipt, starts a new sale.
    scan(page, "PEN-1")
    expect(page.locator("#sale-total")).to_have_text("£1.25")


def test_a_customer_by_phone_then_a_refund_reviewed_before_it_is_taken(tablet, counter, shop):
    from apps.profiles.models import Profile

    shona = UserFactory(email="shona@example.com", first_name="Shona", last_name="Shopper")
    Profile.objects.create(user=shona, phone="+447911123456")
    page = tablet
    page.goto("/accounts/login/?next=/console/leeds/sale/")
    page.locator("#id_login-username").fill("priya@omnishop.example")
    page.locator("#id_login-password").fill("secret-pass-123")
    page.locator("button[name=login_submit]").click()
    scan(page, "PEN-1")
    page.once("dialog", lambda dialog: dialog.dismiss())  # a stray tap on Void: kept
    page.get_by_role("button", name="Void sale").click()
    expect(page.locator("#sale-total")).to_have_text("£1.25")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Void sale").click()
    expect(page.locator(".messages")).to_contain_text("Sale voided: nothing was recorded.")
    expect(page.locator("#sale-cart")).to_contain_text("Nothing scanned yet.")
    scan(page, "MUG-1")
    page.get_by_label("Quantity of Tea Mug").fill("3")
    page.get_by_role("button", name="Set").click()
    expect(page.locator("#sale-total")).to_have_text("£14.97")
    page.get_by_label("Customer e-mail or phone").fill("07911 123456")
    page.get_by_role("button", name="Find customer").click()
    expect(page.locator("#sale-customer")).to_contain_text("Shona Shopper")
    page.get_by_label("Card terminal reference").fill("AUTH-5521")
    page.get_by_role("button", name="Card paid: record sale").click()
    order = Order.objects.get(channel="store")
    assert order.user == shona
    expect(page.locator("#receipt-customer")).to_have_text("Shona Shopper")
    expect(page.locator("#receipt-card-reference")).to_have_text("AUTH-5521")

    page.get_by_role("link", name="Returns").click()
    scan(page, order.number)
    expect(page.locator(f"[data-order='{order.number}']")).to_contain_text("£4.99")
    page.get_by_label("Return Tea Mug").fill("2")
    expect(page.locator(".refund-total")).to_have_text("Refund £9.98")  # as it is typed
    page.get_by_label("Return reason").fill("changed mind")
    page.get_by_role("button", name="Review refund").click()
    expect(page.locator("#refund-total")).to_have_text("£9.98")
    assert serious_violations(page) == []
    assert not order.counter_returns.exists()
    page.get_by_role("button", name="Confirm refund of £9.98").click()
    expect(page.locator(".messages")).to_contain_text(
        f"Return recorded for order #{order.number}: 2 units, refund £9.98 to give back."
    )
    assert order.counter_returns.get().refund == Decimal("9.98")
