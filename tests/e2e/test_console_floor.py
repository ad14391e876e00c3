"""The console on a store's tablet (1024x768) in a real browser: a barcode scanner's keys land
in the page's scan field whatever has focus (till, pick list, handover), a scanned pickup QR
hands the order over, cancel asks first and records the reason, and a new order rings."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.order import statuses
from apps.pickup import services
from apps.pickup.models import PickupEvent
from tests.factories import OrderFactory, StoreStaffFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def associate(shop):
    return StoreStaffFactory(location=shop["leeds"]).user


@pytest.fixture
def signed_in(tablet, associate):
    tablet.goto("/accounts/login/?next=/console/")
    tablet.locator("#id_login-username").fill(associate.email)
    tablet.locator("#id_login-password").fill("secret-pass-123")
    tablet.locator("button[name=login_submit]").click()
    expect(tablet.locator("header")).to_contain_text("Omnishop Leeds")
    return tablet


def scanner_types(page, text):
    """What a barcode scanner does: keys fast, then Enter, with focus on the page itself."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.type(text)  # no delay: a scanner's speed
    page.keyboard.press("Enter")


def test_a_scanners_keys_land_in_the_scan_field_on_till_pick_list_and_handover(
    signed_in, shop, associate
):
    page = signed_in
    # The till: the scanned barcode goes into the product field and adds the lamp to the sale.
    page.goto(reverse("console:sale", args=["leeds"]))
    scanner_types(page, "LAMP-1")
    expect(page.locator("main")).to_contain_text("Desk Lamp")
    expect(page.locator("header input[name=q]")).to_have_value("")  # not the header search

    # The pick list: the item is ticked, and a wrong one is refused with a buzz.
    order = services.start_picking(
        order=OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1}), by=associate
    )
    page.goto(reverse("console:pick-list", args=["leeds", order.number]))
    scanner_types(page, "NOT-OURS")
    expect(page.locator(".messages .error")).to_contain_text("NOT-OURS is not on order")
    expect(page.locator("body")).to_have_attribute("data-sound-error", "1")
    # Focus in another field (a note, a quantity): the scanner's burst still goes to the scan
    # field, and the other field keeps what it held.
    page.locator("header input[name=q]").fill("typed by hand")
    page.locator("header input[name=q]").focus()
    page.keyboard.type("LAMP-1")
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Desk Lamp: all 1 picked ✓")
    assert order.pickup_events.filter(kind=PickupEvent.Kind.LINE_PICKED).count() == 1

    # The handover: a scanned pickup QR (its code, then Enter) checks the code and hands over.
    services.mark_ready(order=order, by=associate)
    order.refresh_from_db()
    page.goto(reverse("console:order", args=["leeds", order.number]))
    scanner_types(page, order.pickup_code)
    expect(page.locator("#order-status")).to_have_text(statuses.COLLECTED)
    expect(page.locator("#timeline")).to_contain_text("pickup code checked")


def test_cancel_asks_for_a_confirmation_and_records_the_reason(signed_in, shop):
    page = signed_in
    order = OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1})
    page.goto(reverse("console:order", args=["leeds", order.number]))
    page.get_by_role("link", name="Cancel order…").click()
    expect(page.locator("h1")).to_have_text(f"Cancel order #{order.number}?")
    page.get_by_role("button", name="Yes, cancel the order").click()  # no reason chosen
    order.refresh_from_db()
    assert order.status == statuses.PLACED  # the browser asks for a reason first

    page.get_by_label("Customer asked to cancel").check()
    page.get_by_label("Note").fill("rang the store at 10:05")
    page.get_by_role("button", name="Yes, cancel the order").click()
    expect(page.locator("#order-status")).to_have_text(statuses.CANCELLED)
    expect(page.locator("#timeline")).to_contain_text(
        "Customer asked to cancel · “rang the store at 10:05”"
    )
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("#id_login-username")).to_be_visible()  # the next person signs in


def test_a_new_order_rings_and_shows_a_badge_on_any_console_page(settings, signed_in, shop):
    settings.CONSOLE_PULSE_SECONDS = 1
    page = signed_in
    page.goto(reverse("console:stock", args=["leeds"]))
    expect(page.locator("body")).to_have_attribute("data-pulse-seconds", "1")
    page.wait_for_timeout(1_500)  # the first beat: what is waiting now counts as seen
    expect(page.locator("#pulse-badge")).to_be_hidden()
    order = OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1})
    expect(page.locator("#pulse-badge")).to_have_text("1 new order", timeout=10_000)
    expect(page.locator("body")).to_have_attribute("data-sound-chime", "1")
    page.locator("#pulse-badge").click()
    expect(page.locator("[data-group=to-pick]")).to_contain_text(f"#{order.number}")
