"""Ship to store on a phone (390×844): a shopper whose store lacks an item is offered to
collect it there from the day it can arrive, sees the promise on review, and places the order."""

import pytest
from oscar.core.loading import get_model
from playwright.sync_api import expect

from apps.order import statuses
from tests.e2e.conftest import serious_violations
from tests.routing.conftest import net  # noqa: F401  (the fixture)

Order = get_model("order", "Order")

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_shopper_whose_store_lacks_an_item_collects_it_there_from_a_later_day(
    net,  # noqa: F811
    phone,
):
    phone.goto("/stores/leeds/")
    phone.get_by_role("button", name="Make this my store").first.click()
    for product in (net["lamp"], net["kettle"]):  # Leeds has lamps, no kettle
        phone.goto(product.get_absolute_url())
        phone.locator("#add_to_basket_form").get_by_role("button", name="Add to basket").click()

    phone.goto("/checkout/")
    phone.locator("#id_username").fill("guest@example.com")
    phone.get_by_role("button", name="Continue").click()
    offer = phone.locator("[data-ship-to-store]")
    expect(offer).to_contain_text("Collect at Omnishop Leeds from ")
    expect(offer).to_contain_text("we send what it lacks from Omnishop York")
    day = offer.locator("strong").inner_text().rsplit(" ", 1)[1]  # "... from Thursday"
    assert serious_violations(phone) == []
    offer.click()
    phone.locator("#id_name").fill("Ann Other")
    phone.get_by_role("button", name="Continue").click()
    phone.get_by_role("button", name="Continue to review").click()
    expect(phone.locator(".collect-store")).to_contain_text(f"Ready {day}")
    expect(phone.locator("#ships-from")).to_contain_text("sent there from Omnishop York")
    phone.get_by_role("button", name="Place order").click()
    expect(phone.locator("#pickup-code")).to_be_visible()
    expect(phone.locator(".collect-store")).to_contain_text(f"Ready {day}")

    order = Order.objects.get()
    assert order.status == statuses.AWAITING_TRANSFER
    assert f"{order.ready_by:%A}" == day
