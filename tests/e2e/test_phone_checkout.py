"""Click and collect on a phone (390×844), basket to thank-you, and the shopper's account pages:
no delivery charge on a collect basket, and no critical or serious axe-core finding on any step."""

import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from apps.stores.models import Location
from tests.e2e.conftest import serious_violations
from tests.e2e.test_click_and_collect import stocked_at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def leeds():
    call_command("load_demo", "--products", "36", "--orders", "--no-progress", verbosity=0)
    return Location.objects.get(code="leeds")


def money(text: str) -> Decimal:
    return Decimal(re.search(r"£([\d,]+\.\d\d)", text).group(1).replace(",", ""))


def assert_accessible(page, step):
    found = serious_violations(page)
    assert found == [], f"{step}: {found}"


def requests_elsewhere(page, live_server) -> list[str]:
    """Collects every web request the page makes to a host other than the shop's."""
    shop = urlsplit(live_server.url).netloc
    elsewhere = []

    def note(request):
        url = urlsplit(request.url)
        if url.scheme in ("http", "https") and url.netloc != shop:
            elsewhere.append(request.url)

    page.on("request", note)
    return elsewhere


def test_a_collect_basket_costs_its_lines_and_every_step_is_accessible(leeds, phone, live_server):
    elsewhere = requests_elsewhere(phone, live_server)
    product = stocked_at(leeds)
    phone.goto("/stores/leeds/")
    phone.get_by_role("button", name="Make this my store").first.click()
    phone.goto(product.get_absolute_url())
    phone.locator("#add_to_basket_form").get_by_role("button", name="Add to basket").click()
    phone.goto(product.get_absolute_url())
    phone.locator("#add_to_basket_form").get_by_role("button", name="Add to basket").click()

    phone.goto("/basket/")
    expect(phone.locator("#basket-collect")).to_contain_text("Click and collect at Omnishop Leeds")
    lines = phone.locator("#basket_formset .basket-items")
    expect(lines).to_have_count(1)
    line_totals = sum(
        money(text) for text in phone.locator("#basket_formset .line-total").all_inner_texts()
    )
    order_total = money(phone.locator("#basket_totals .total").last.inner_text())
    assert order_total == line_totals == 2 * product.stockrecords.first().price
    assert "4.99" not in phone.locator("#basket_totals").inner_text()
    assert_accessible(phone, "basket")

    phone.goto("/checkout/")
    assert_accessible(phone, "checkout: who")
    phone.locator("#id_username").fill("guest@example.com")
    phone.get_by_role("button", name="Continue").click()
    expect(phone.locator("#fulfilment-form")).to_be_visible()
    assert_accessible(phone, "checkout: delivery or collect")
    phone.locator("#id_name").fill("Ann Other")
    phone.get_by_role("button", name="Continue").click()
    assert_accessible(phone, "checkout: payment")
    phone.get_by_role("button", name="Continue to review").click()
    expect(phone.locator("#collect-summary")).to_contain_text("Collected by Ann Other")
    expect(phone.locator("#payment-summary")).to_contain_text(f"£{order_total}")
    assert_accessible(phone, "checkout: preview")
    phone.get_by_role("button", name="Place order").click()
    expect(phone.locator("#pickup-code")).to_be_visible()
    assert_accessible(phone, "thank you")
    assert elsewhere == []  # every asset from the shop itself


def test_the_account_pages_are_accessible_on_a_phone(leeds, phone, live_server):
    elsewhere = requests_elsewhere(phone, live_server)
    phone.goto("/accounts/login/")
    assert_accessible(phone, "sign in")
    phone.locator("#id_login-username").fill("shopper@omnishop.example")
    phone.locator("#id_login-password").fill("omnishop-shopper")
    phone.locator("button[name=login_submit]").click()
    for path in ("/accounts/profile/", "/accounts/orders/"):
        phone.goto(path)
        assert_accessible(phone, path)
    phone.locator("a[href^='/accounts/orders/']").filter(
        has_text=re.compile(r"^\s*\d+\s*$")
    ).first.click()
    expect(phone.locator("h1")).to_contain_text("Order")
    assert_accessible(phone, "account order")
    assert elsewhere == []


def test_home_delivery_steps_are_accessible_and_numbered_on_a_phone(leeds, phone, live_server):
    elsewhere = requests_elsewhere(phone, live_server)
    warehouse = Location.objects.get(kind="warehouse")
    product = stocked_at(warehouse)
    phone.goto(product.get_absolute_url())
    phone.locator("#add_to_basket_form").get_by_role("button", name="Add to basket").click()
    phone.goto("/checkout/")
    phone.locator("#id_username").fill("guest@example.com")
    phone.get_by_role("button", name="Continue").click()
    phone.get_by_label("Home delivery").check()
    phone.get_by_role("button", name="Continue").click()
    expect(phone.locator(".nav-checkout")).to_contain_text("Step 2 of 4: Address")
    assert_accessible(phone, "checkout: address")
    for field, value in {
        "#id_first_name": "Ann",
        "#id_last_name": "Other",
        "#id_line1": "1 Park Row",
        "#id_line4": "Leeds",
        "#id_postcode": "LS1 5AB",
    }.items():
        phone.locator(field).fill(value)
    phone.get_by_role("button", name="Continue").click()
    expect(phone.locator(".nav-checkout")).to_contain_text("Step 3 of 4: Payment")
    assert_accessible(phone, "checkout: payment (delivery)")
    phone.get_by_role("button", name="Continue to review").click()
    expect(phone.locator("#payment-summary")).to_contain_text("£4.99 delivery")
    assert_accessible(phone, "checkout: preview (delivery)")
    phone.get_by_role("button", name="Place order").click()
    expect(phone.locator(".lead")).to_contain_text("is placed")
    assert_accessible(phone, "thank you (delivery)")
    assert elsewhere == []
