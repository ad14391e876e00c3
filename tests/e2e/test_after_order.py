"""After ordering, on a phone: the guest's tracking page (the link of every e-mail) shows where
to collect, the code and its QR; "I'm here" is remembered; the order can be cancelled."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.inventory.selectors import availability
from apps.order import pickup_codes, statuses
from tests.e2e.conftest import SCREENSHOTS, serious_violations
from tests.factories import OrderFactory, ProductFactory, StoreFactory, StoreStaffFactory, stock

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def leeds():
    store = StoreFactory(
        code="leeds", name="Omnishop Leeds", city="Leeds", latitude=53.8, longitude=-1.55
    )
    return store


@pytest.fixture
def lamp(leeds):
    product = ProductFactory(title="Desk Lamp", upc="LAMP-1")
    stock(leeds, product, 3)
    return product


def tracking_url(order) -> str:
    return reverse(
        "customer:anon-order",
        kwargs={"order_number": order.number, "hash": order.verification_hash()},
    )


def units(store, product) -> int:
    return availability(products=[product], locations=[store]).at(product, store)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_tracking_page_on_a_phone_shows_store_code_and_a_scannable_qr(leeds, lamp, phone):
    order = OrderFactory(store=leeds, lines={lamp: 1}, status=statuses.READY, restock=False)
    phone.goto(tracking_url(order))
    panel = phone.locator("#collect-panel")
    expect(panel.get_by_role("heading", name="Click and collect at Omnishop Leeds")).to_be_visible()
    expect(phone.locator("#pickup-code")).to_have_text(pickup_codes.display(order.pickup_code))
    expect(phone.locator("#pickup-code")).to_be_in_viewport()
    qr = phone.locator("#pickup-qr svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 200 and box["x"] >= 0 and box["x"] + box["width"] <= 390
    expect(phone.locator("#collect-by")).to_contain_text("Collect by")
    expect(phone.locator("#directions")).to_have_attribute(
        "href", "https://www.openstreetmap.org/directions?to=53.8%2C-1.55"
    )
    assert no_horizontal_scroll(phone)
    assert serious_violations(phone) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "order-tracking.png"), full_page=False)


def test_im_here_is_remembered_after_a_reload(leeds, lamp, phone):
    order = OrderFactory(store=leeds, lines={lamp: 1}, status=statuses.READY, restock=False)
    phone.goto(tracking_url(order))
    phone.get_by_label("Parking bay or car (optional)").fill("bay 3, blue Fiat")
    phone.get_by_role("button", name="I'm here").click()
    expect(phone.locator("#arrived")).to_contain_text("Staff told at")
    phone.reload()
    expect(phone.locator("#arrived")).to_contain_text("bay 3, blue Fiat")
    expect(phone.get_by_role("button", name="I'm here")).to_have_count(0)
    assert order.pickup_events.get(kind="arrived").detail == {"note": "bay 3, blue Fiat"}


def test_the_guest_cancels_from_the_tracking_page_and_the_stock_is_back(leeds, lamp, phone):
    order = OrderFactory(store=leeds, lines={lamp: 2}, restock=False)
    assert units(leeds, lamp) == 1
    phone.goto(tracking_url(order))
    phone.get_by_text("Cancel this order").click()
    phone.get_by_role("button", name="Yes, cancel my order").click()
    expect(phone.locator(".alert-success").first).to_contain_text("Your order is cancelled")
    expect(phone.locator("#order-status")).to_have_text(statuses.CANCELLED)
    expect(phone.locator("#pickup-code")).to_have_count(0)
    order.refresh_from_db()
    assert order.status == statuses.CANCELLED and units(leeds, lamp) == 3
    assert no_horizontal_scroll(phone)
    assert serious_violations(phone) == []


def test_too_late_to_cancel_once_the_store_starts(leeds, lamp, phone):
    order = OrderFactory(store=leeds, lines={lamp: 1}, restock=False)
    phone.goto(tracking_url(order))
    from apps.pickup import services

    services.start_picking(order=order, by=StoreStaffFactory(location=leeds).user)
    phone.get_by_text("Cancel this order").click()
    phone.get_by_role("button", name="Yes, cancel my order").click()
    expect(phone.locator(".alert-danger").first).to_contain_text("can no longer be cancelled")
    expect(phone.locator("#order-status")).to_have_text(statuses.PICKING)


def sign_in(page, email, password="secret-pass-123"):
    page.goto("/accounts/login/")
    page.locator("#id_login-username").fill(email)
    page.locator("#id_login-password").fill(password)
    page.locator("button[name=login_submit]").click()


def test_the_account_order_page_on_a_phone_has_the_same_panel_and_remembers_im_here(
    leeds, lamp, phone
):
    from tests.factories import UserFactory

    shopper = UserFactory(email="shona@example.com")
    order = OrderFactory(
        store=leeds, lines={lamp: 1}, user=shopper, channel="api", status=statuses.READY
    )
    sign_in(phone, shopper.email)
    phone.goto(reverse("customer:order", args=[order.number]))
    expect(phone.locator("#pickup-code")).to_have_text(pickup_codes.display(order.pickup_code))
    expect(phone.locator("#pickup-qr svg")).to_be_visible()
    expect(phone.get_by_text("Shipping Address")).to_have_count(0)
    assert no_horizontal_scroll(phone)
    assert serious_violations(phone) == []
    phone.get_by_label("Parking bay or car (optional)").fill("red van")
    phone.get_by_role("button", name="I'm here").click()
    # The form's answer first: reloading while it is on its way fails ("not attached").
    expect(phone.locator("#arrived")).to_contain_text("Staff told at")
    phone.reload()
    expect(phone.locator("#arrived")).to_contain_text("Staff told at")
    expect(phone.locator("#arrived")).to_contain_text("red van")
