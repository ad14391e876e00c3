"""Pictures of every storefront page, on a phone (390×844) and on a desktop (1280×900), for
docs/screenshots/: `make screenshots` runs this file (pytest collects it only when named, so the
test command never rewrites the committed pictures).

Each picture is the first screen, what a shopper sees before scrolling: `phone-<page>.png` and
`desktop-<page>.png`. The walk is the demo shop's: a guest collects at Leeds, then the demo
shopper looks at their account.
"""

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from oscar.core.loading import get_model
from playwright.sync_api import expect

from apps.stores.models import Location
from tests.e2e.conftest import PHONE, ROOT
from tests.e2e.test_click_and_collect import stocked_at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

Category = get_model("catalogue", "Category")
Order = get_model("order", "Order")
OUT = Path(os.environ.get("SCREENSHOTS_DIR") or ROOT / "test-results" / "screenshots")
SCREENS = {"phone": PHONE, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture
def demo():
    call_command("load_demo", "--products", "36", "--orders", "--no-progress", verbosity=0)
    return Location.objects.get(code="leeds")


@pytest.mark.parametrize("screen", SCREENS)
def test_every_storefront_page(demo, browser, live_server, screen):
    context = browser.new_context(
        viewport=SCREENS[screen],
        is_mobile=screen == "phone",
        has_touch=screen == "phone",
        base_url=live_server.url,
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    OUT.mkdir(parents=True, exist_ok=True)

    def shoot(name):
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(OUT / f"{screen}-{name}.png"))

    product = stocked_at(demo)
    category = product.get_categories().first() or Category.objects.first()
    try:
        page.goto("/")
        shoot("home")
        page.goto("/stores/?q=Leeds")
        shoot("store-finder")
        page.goto("/stores/leeds/")
        shoot("store")
        page.get_by_role("button", name="Make this my store").first.click()
        page.goto(category.get_absolute_url())
        shoot("category")
        page.goto("/search/?q=knife")
        shoot("search")
        page.goto(product.get_absolute_url())
        shoot("product")
        page.locator("#add_to_basket_form").get_by_role("button", name="Add to basket").click()
        page.goto("/basket/")
        shoot("basket")
        page.goto("/checkout/")
        shoot("checkout-start")
        page.locator("#id_username").fill("guest@example.com")
        page.get_by_role("button", name="Continue").click()
        expect(page.locator("#fulfilment-form")).to_be_visible()
        page.locator("#method-collect").check()
        page.locator("#id_name").fill("Ann Other")
        shoot("checkout-collect")
        page.get_by_role("button", name="Continue").click()
        shoot("checkout-payment")
        page.get_by_role("button", name="Continue to review").click()
        shoot("checkout-preview")
        page.get_by_role("button", name="Place order").click()
        expect(page.locator("#pickup-code")).to_be_visible()
        shoot("thank-you")
        order = Order.objects.filter(guest_email="guest@example.com").get()
        page.goto(
            f"/accounts/order-status/{order.number}/{order.verification_hash()}/", wait_until="load"
        )
        shoot("tracking")

        page.context.clear_cookies()
        page.goto("/accounts/login/")
        shoot("sign-in")
        page.locator("#id_login-username").fill("shopper@omnishop.example")
        page.locator("#id_login-password").fill("omnishop-shopper")
        page.locator("button[name=login_submit]").click()
        page.goto("/accounts/orders/")
        shoot("account-orders")
        page.locator("a[href^='/accounts/orders/']").filter(
            has_text=re.compile(r"^\s*\d+\s*$")
        ).first.click()
        shoot("account-order")
        page.goto("/accounts/profile/")
        shoot("account-profile")
    finally:
        context.close()
