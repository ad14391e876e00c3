"""Click and collect, as a shopper does it, in a real browser. Saves the README screenshots."""

import re

import pytest
from django.core.management import call_command
from oscar.core.loading import get_model
from playwright.sync_api import expect

from apps.inventory import services
from apps.inventory.selectors import availability
from apps.stores.models import Location
from tests.e2e.conftest import SCREENSHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

Product = get_model("catalogue", "Product")
Order = get_model("order", "Order")


@pytest.fixture
def demo_shop():
    call_command("load_demo", "--products", "36", "--no-progress", verbosity=0)
    return Location.objects.get(code="leeds")


def stocked_at(store, minimum=2):
    """A product the store and the warehouse both have at least ``minimum`` of."""
    warehouse = Location.objects.get(kind="warehouse")
    products = list(Product.objects.order_by("pk"))
    units = availability(products=products, locations=[store, warehouse])
    return next(
        p for p in products if units.at(p, store) >= minimum and units.at(p, warehouse) >= 1
    )


def choose_store(page, query, name):
    page.goto("/stores/")
    form = page.locator("#store-search")
    form.get_by_placeholder("City, postcode or store name").fill(query)
    form.get_by_role("button", name="Search").click()
    expect(page.locator(".store-card").first).to_contain_text(name)  # nearest first
    card = page.locator(".store-card", has_text=name).first
    card.get_by_role("button", name="Make this my store").click()
    expect(page.locator("#my-store")).to_contain_text(f"My store: {name}")


def test_shopper_finds_a_store_by_search_and_sees_it_everywhere(demo_shop, page):
    choose_store(page, "Leeds", "Omnishop Leeds")
    page.goto("/")
    expect(page.locator("#my-store")).to_contain_text("Omnishop Leeds")


def test_product_page_tells_the_truth_about_my_store(demo_shop, page):
    product = stocked_at(demo_shop)
    choose_store(page, "Leeds", "Omnishop Leeds")
    page.goto(product.get_absolute_url())
    units = availability(products=[product], locations=[demo_shop]).at(product, demo_shop)
    text = f"Only {units} left at Omnishop Leeds" if units <= 3 else "In stock at Omnishop Leeds"
    expect(page.locator("#my-store-availability")).to_contain_text(text)
    expect(page.locator("#my-store-availability")).to_contain_text("ready for pickup")
    expect(page.locator("#delivery-availability")).to_contain_text("Home delivery: in stock")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "product.png"), full_page=False)

    services.sell_in_store(location=demo_shop, quantities={product.pk: units})
    page.reload()
    expect(page.locator("#my-store-availability")).to_have_text("Not available at Omnishop Leeds")


def go_to_review_collecting_at(page, product, store_name, email="guest@example.com", quantity=1):
    page.goto(product.get_absolute_url())
    for _ in range(quantity):
        page.locator("#add_to_basket_form").get_by_role("button", name="Add to basket").click()
    page.goto("/checkout/")
    page.locator("#id_username").fill(email)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="How do you want your order?")).to_be_visible()
    page.locator(".list-group-item", has_text=store_name).locator("input[name=store]").check()
    page.get_by_label("Name of who will collect").fill("Ann Other")
    page.screenshot(path=str(SCREENSHOTS / "checkout-collect.png"), full_page=True)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue to review").click()
    expect(page.locator(".collect-store")).to_contain_text(f"Click and collect at {store_name}")


def test_guest_collect_checkout_ends_with_a_pickup_code_and_qr(demo_shop, page):
    product = stocked_at(demo_shop)
    choose_store(page, "Leeds", "Omnishop Leeds")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    go_to_review_collecting_at(page, product, "Omnishop Leeds")
    page.get_by_role("button", name="Place order").click()

    order = Order.objects.get()
    expect(page.locator("#pickup-code")).to_have_text(
        f"{order.pickup_code[:4]}-{order.pickup_code[4:]}"
    )
    expect(page.locator(".pickup-qr svg")).to_be_visible()
    expect(page.locator(".collect-store")).to_contain_text("Omnishop Leeds")
    page.screenshot(path=str(SCREENSHOTS / "thank-you.png"), full_page=True)
    assert order.pickup_location == demo_shop


def test_stock_gone_during_checkout_brings_the_shopper_back_to_the_basket(demo_shop, page):
    product = stocked_at(demo_shop, minimum=1)
    choose_store(page, "Leeds", "Omnishop Leeds")
    go_to_review_collecting_at(page, product, "Omnishop Leeds")
    left = availability(products=[product], locations=[demo_shop]).at(product, demo_shop)
    services.sell_in_store(location=demo_shop, quantities={product.pk: left})  # the till sold them
    page.get_by_role("button", name="Place order").click()

    expect(page).to_have_url(re.compile(r"/basket/$"))
    expect(page.locator(".alert-danger").first).to_contain_text(
        f"{product.get_title()} is no longer available at Omnishop Leeds"
    )
    assert not Order.objects.exists()


def test_guest_home_delivery_in_the_demo_shop(demo_shop, page):
    warehouse = Location.objects.get(kind="warehouse")
    product = stocked_at(warehouse)
    page.goto(product.get_absolute_url())
    page.locator("#add_to_basket_form").get_by_role("button", name="Add to basket").click()
    page.goto("/checkout/")
    page.locator("#id_username").fill("guest@example.com")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Home delivery").check()
    page.get_by_role("button", name="Continue").click()
    page.locator("#id_first_name").fill("Ann")
    page.locator("#id_last_name").fill("Other")
    page.locator("#id_line1").fill("1 Park Row")
    page.locator("#id_line4").fill("Leeds")
    page.locator("#id_postcode").fill("LS1 5AB")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue to review").click()
    page.get_by_role("button", name="Place order").click()
    expect(page.locator("h1")).to_contain_text("confirmation")
    order = Order.objects.get()
    assert (order.shipping_code, order.shipping_address.line4) == ("standard-delivery", "Leeds")
    assert order.lines.get().partner.location == warehouse
