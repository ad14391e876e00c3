"""Store staff run a collect order, a till sale, a counter return and the reports through the
console, in a real browser."""

import re

import pytest
from django.core.management import call_command
from oscar.core.loading import get_model
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_click_and_collect import go_to_review_collecting_at, stocked_at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

Order = get_model("order", "Order")
Location = get_model("stores", "Location")


@pytest.fixture
def placed_order(page):
    call_command("load_demo", "--products", "36", "--no-progress", verbosity=0)
    london = Location.objects.get(code="london-soho")
    product = stocked_at(london, minimum=2)
    go_to_review_collecting_at(page, product, "Omnishop London Soho", quantity=2)
    page.get_by_role("button", name="Place order").click()
    expect(page.locator("#pickup-code")).to_be_visible()
    page.context.clear_cookies()
    return Order.objects.get()


def sign_in(page, email, password):
    page.goto("/accounts/login/?next=/console/")
    page.locator("#id_login-username").fill(email)
    page.locator("#id_login-password").fill(password)
    page.locator("button[name=login_submit]").click()


def test_associate_picks_short_picks_readies_and_hands_over(placed_order, page):
    order = placed_order
    sign_in(page, "staff.london@omnishop.example", "omnishop-staff")
    expect(page.locator("[data-group=to-pick]")).to_contain_text(f"#{order.number}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "console-queue.png"), full_page=True)

    page.locator("[data-group=to-pick]").get_by_text(f"#{order.number}").click()
    page.get_by_role("button", name="Start picking").click()
    expect(page.locator("#order-status")).to_have_text("Picking")
    page.get_by_role("link", name="Pick list (scan items)").click()
    expect(page.locator("h1")).to_contain_text(f"Pick list · order #{order.number}")
    page.get_by_role("link", name="Back to the order").click()

    page.get_by_role("link", name="Short pick…").first.click()
    page.get_by_role("radio", name="Damaged").check()
    page.get_by_label("Note").fill("box crushed")
    page.get_by_role("button", name="Yes, record the short pick").click()
    expect(page.locator(".messages")).to_contain_text("Short pick recorded")
    expect(page.locator("#timeline")).to_contain_text("Damaged · “box crushed”")
    page.get_by_role("button", name="Picked 1").click()
    expect(page.locator(".picked")).to_have_text("✓ picked")
    page.get_by_role("button", name="Ready for collection").click()
    expect(page.locator("#order-status")).to_have_text("Ready for collection")

    page.get_by_label("Pickup code", exact=True).fill("ZZZZ-ZZZZ")
    page.get_by_role("button", name="Hand over").click()
    expect(page.locator(".messages")).to_contain_text("That is not this order")
    page.get_by_label("Pickup code", exact=True).fill(order.pickup_code)
    page.get_by_role("button", name="Hand over").click()
    expect(page.locator("#order-status")).to_have_text("Collected")
    expect(page.locator("#timeline")).to_contain_text("Wrong pickup code")
    expect(page.locator("#timeline")).to_contain_text("Handed over")
    expect(page.locator("#timeline")).to_contain_text("pickup code checked")
    page.screenshot(path=str(SCREENSHOTS / "console-order.png"), full_page=True)


def availability_text(units, store_name):
    return f"Only {units} left at {store_name}" if units <= 3 else f"In stock at {store_name}"


def test_till_sale_shows_on_the_website_and_a_counter_return_puts_it_back(page, live_server):
    from apps.inventory.selectors import availability
    from tests.e2e.test_click_and_collect import choose_store

    call_command("load_demo", "--products", "36", "--no-progress", verbosity=0)
    london = Location.objects.get(code="london-soho")
    product = stocked_at(london, minimum=2)
    units = availability(products=[product], locations=[london]).at(product, london)

    shopper = page.context.browser.new_context(base_url=live_server.url).new_page()
    choose_store(shopper, "London", "Omnishop London Soho")
    shopper.goto(product.get_absolute_url())
    expect(shopper.locator("#my-store-availability")).to_contain_text(
        availability_text(units, "Omnishop London Soho")
    )

    sign_in(page, "staff.london@omnishop.example", "omnishop-staff")
    page.get_by_role("link", name="Till").click()
    page.get_by_label("Product").fill(product.upc)
    page.get_by_label("Product").press("Enter")
    expect(page.locator("#sale-cart")).to_contain_text(product.get_title())
    page.get_by_label("Customer e-mail or phone").fill("07911 123456")  # the demo shopper's
    page.get_by_role("button", name="Find customer").click()
    page.get_by_label("Cash given").fill("1000")
    page.get_by_role("button", name="Cash: record sale").click()
    expect(page.locator(".messages")).to_contain_text("Sale recorded as order")
    order = Order.objects.get(channel="store")
    assert order.user.email == "shopper@omnishop.example"

    shopper.reload()
    expect(shopper.locator("#my-store-availability")).to_contain_text(
        availability_text(units - 1, "Omnishop London Soho")
    )

    page.get_by_role("link", name="Returns").click()
    page.get_by_label("Order or customer").fill(order.number)
    page.get_by_role("button", name="Find").last.click()
    page.get_by_label(f"Return {product.get_title()}").fill("1")
    page.get_by_label("Return reason").fill("changed mind")
    page.get_by_role("button", name="Review refund").click()
    page.get_by_role("button", name=re.compile(r"^Confirm refund of")).click()
    expect(page.locator(".messages")).to_contain_text(f"Return recorded for order #{order.number}")
    shopper.reload()
    expect(shopper.locator("#my-store-availability")).to_contain_text(
        availability_text(units, "Omnishop London Soho")
    )
    shopper.context.close()

    page.get_by_role("link", name="Reports").click()
    tiles = page.locator("#summary .tiles > div")
    expect(tiles.filter(has_text="Till sales").locator("strong")).to_have_text("1")
    expect(tiles.filter(has_text="Returned at the counter").locator("strong")).to_have_text("1")
    page.screenshot(path=str(SCREENSHOTS / "console-reports.png"), full_page=True)


def test_a_shopper_says_im_here_and_the_counter_sees_it_first(page, live_server):
    from django.contrib.auth import get_user_model

    from apps.checkout.services import place_collect_order
    from apps.pickup import services

    call_command("load_demo", "--products", "36", "--no-progress", "--orders", verbosity=0)
    london = Location.objects.get(code="london-soho")
    User = get_user_model()
    shopper = User.objects.get(email="shopper@omnishop.example")
    staff = User.objects.get(email="staff.london@omnishop.example")
    product = stocked_at(london, minimum=3)
    order, _ = place_collect_order(
        user=shopper, store=london, quantities={product.pk: 1}, collector_name="Shona"
    )
    services.start_picking(order=order, by=staff)
    services.confirm_line(order=order, line=order.lines.get(), by=staff)
    services.mark_ready(order=order, by=staff)

    page.goto("/accounts/login/")
    page.locator("#id_login-username").fill("shopper@omnishop.example")
    page.locator("#id_login-password").fill("omnishop-shopper")
    page.locator("button[name=login_submit]").click()
    page.goto(f"/accounts/orders/{order.number}/")
    page.get_by_label("Where are you").fill("at the kerb, blue car")
    page.get_by_role("button", name="I'm here").click()
    expect(page.locator(".alert-success").first).to_contain_text("the store knows you are here")

    counter = page.context.browser.new_context(base_url=live_server.url).new_page()
    sign_in(counter, "staff.london@omnishop.example", "omnishop-staff")
    ready = counter.locator("[data-group=ready] .card")
    expect(ready).to_have_count(
        2
    )  # the demo's ready order, whose shopper arrived earlier, and ours
    expect(ready.nth(1)).to_contain_text(f"#{order.number}")
    expect(ready.nth(1).locator(".here")).to_contain_text("at the kerb, blue car")
    counter.context.close()
