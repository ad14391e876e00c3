"""A shopper's first visit, in a real browser."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_shop():
    call_command("load_demo", "--products", "36", "--no-progress", verbosity=0)


def test_shopper_searches_opens_a_product_and_adds_it_to_the_basket(demo_shop, page):
    page.goto("/")
    expect(page.get_by_role("heading", name="Buy online, collect in store")).to_be_visible()

    page.get_by_placeholder("Search").first.fill("desk lamp")
    page.get_by_role("button", name="Search").first.click()
    expect(page.locator("h1")).to_contain_text("desk lamp")

    page.get_by_role("link", name="Classic Desk Lamp").first.click()
    expect(page.locator("h1")).to_have_text("Classic Desk Lamp")

    page.locator("#add_to_basket_form").get_by_role("button", name="Add to basket").click()
    expect(page.locator(".alert-success").first).to_contain_text("Classic Desk Lamp")

    page.goto("/basket/")
    expect(page.locator("#content_inner")).to_contain_text("Classic Desk Lamp")
