"""The storefront on a phone (390×844, touch): products in the first screen, one header with one
menu toggle, search and basket always in sight, nothing fetched from another host, nothing wider
than the screen, and no serious accessibility finding."""

from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from oscar.core.loading import get_model
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
SCREEN = PHONE["height"]


@pytest.fixture
def demo_shop():
    call_command("load_demo", "--products", "24", "--no-progress", verbosity=0)


def choose_leeds(phone):
    phone.goto("/stores/leeds/")
    phone.get_by_role("button", name="Make this my store").click()
    expect(phone.locator("#my-store")).to_contain_text("Omnishop Leeds")


def storefront_urls():
    category = Category.objects.get(name="Kitchen").get_absolute_url()
    product = Product.objects.filter(is_public=True).order_by("pk").first().get_absolute_url()
    return {"home": "/", "category": category, "product": product, "search": "/search/?q=classic"}


def top(locator) -> float:
    return locator.bounding_box()["y"]


def test_a_listing_shows_two_products_a_row_in_the_first_screen(demo_shop, phone):
    choose_leeds(phone)
    for url in [storefront_urls()["category"], "/catalogue/", "/search/?q=classic"]:
        phone.goto(url)
        cards = phone.locator(".product_pod")
        expect(cards.first).to_be_visible()
        assert top(cards.first) < SCREEN, url
        assert top(cards.nth(1)) == top(cards.first), f"{url}: one card a row"
        assert cards.first.bounding_box()["height"] < 380, url  # compact, not Oscar's 380 px


def test_the_header_has_one_menu_toggle_and_keeps_search_basket_and_store_in_sight(
    demo_shop, phone
):
    choose_leeds(phone)
    phone.goto("/")
    header = phone.get_by_role("banner")
    toggles = header.locator("[aria-expanded]:visible, [data-toggle]:visible, summary:visible")
    assert toggles.count() == 1
    expect(phone.locator("#site-search-q")).to_be_visible()
    expect(header.get_by_role("link", name="Basket")).to_be_visible()
    expect(phone.locator("#my-store")).to_be_visible()
    assert phone.locator("header").bounding_box()["height"] < 200

    phone.get_by_role("button", name="Menu").click()
    menu = phone.get_by_role("navigation", name="Main menu")
    expect(menu.get_by_role("link", name="Kitchen")).to_be_visible()
    expect(header.get_by_role("link", name="Stores")).to_be_visible()

    phone.locator("#site-search-q").fill("lamp")
    phone.locator("#site-search-q").press("Enter")
    expect(phone.locator("h1")).to_contain_text("lamp")


def test_the_product_page_shows_price_availability_and_add_to_basket_in_the_first_screen(
    demo_shop, phone
):
    choose_leeds(phone)
    phone.goto(storefront_urls()["product"])
    price = phone.locator(".product_main .price_color")
    button = phone.locator("#add_to_basket_form").get_by_role("button", name="Add to basket")
    expect(button).to_be_visible()
    for what in [price, phone.locator("#my-store-availability"), button]:
        box = what.bounding_box()
        assert box["y"] + box["height"] <= SCREEN, what
    button.click()
    expect(phone.locator(".alert-success").first).to_be_visible()


def test_every_page_comes_from_the_shop_alone_and_fits_the_screen(demo_shop, phone, live_server):
    choose_leeds(phone)
    shop = urlsplit(live_server.url).netloc
    elsewhere = []
    phone.on(
        "request",
        lambda request: (
            elsewhere.append(request.url)
            if urlsplit(request.url).scheme in ("http", "https")
            and urlsplit(request.url).netloc != shop
            else None
        ),
    )
    for name, url in storefront_urls().items():
        phone.goto(url)
        phone.wait_for_load_state("networkidle")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name} is {width} px wide"
    assert elsewhere == []


def test_storefront_pages_have_no_serious_accessibility_finding(demo_shop, phone):
    choose_leeds(phone)
    found = {}
    for name, url in storefront_urls().items():
        phone.goto(url)
        found[name] = serious_violations(phone)
    assert found == {name: [] for name in found}


def test_a_refused_location_says_so_and_offers_the_search_box(demo_shop, phone):
    # Playwright's browser grants no permission unless asked to: the shopper said no.
    phone.goto("/stores/")
    phone.get_by_role("button", name="Use my location").click()
    expect(phone.locator("#location-message")).to_contain_text(
        "You did not let this site see your location. Type a city"
    )
    expect(phone.locator("#store-finder-q")).to_be_focused()


def test_a_shared_location_lists_the_nearest_store_first(demo_shop, phone):
    phone.context.grant_permissions(["geolocation"])
    phone.context.set_geolocation({"latitude": 53.7997, "longitude": -1.5492})  # Leeds
    phone.goto("/stores/")
    phone.get_by_role("button", name="Use my location").click()
    expect(phone.locator(".store-card").first).to_contain_text("Omnishop Leeds")
