"""On a phone, the shopper opens the link of the "would you like this instead?" message: the
missing item and the substitute with their prices, two buttons within reach; Accept puts the
substitute on the order, and the tracking page then says so."""

from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model
from playwright.sync_api import expect

from apps.order import statuses
from apps.pickup import substitutions
from tests.e2e.conftest import SCREENSHOTS, serious_violations
from tests.factories import (
    LocationFactory,
    OrderFactory,
    ProductFactory,
    StoreFactory,
    StoreStaffFactory,
    stock,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ProductCategory = get_model("catalogue", "ProductCategory")


def test_the_shopper_accepts_a_substitute_on_a_phone(phone):
    warehouse = LocationFactory(code="web", name="Online warehouse", kind="warehouse")
    leeds = StoreFactory(code="leeds", name="Omnishop Leeds", city="Leeds")
    lighting = create_from_breadcrumbs("Lighting")
    lamp = ProductFactory(title="Desk Lamp", upc="LAMP-1")
    floor = ProductFactory(title="Floor Lamp", upc="FLOOR-1")
    for product, price in ((lamp, "10.00"), (floor, "8.00")):
        ProductCategory.objects.create(product=product, category=lighting)
        stock(warehouse, product, 5, price=Decimal(price))
        stock(leeds, product, 3)
    staff = StoreStaffFactory(location=leeds).user
    order = OrderFactory(store=leeds, lines={lamp: 1}, status=statuses.PICKING, by=staff)
    offer = substitutions.short_pick_and_offer(
        order=order,
        line=order.lines.get(),
        quantity=1,
        by=staff,
        reason="missing",
        substitute=floor,
        substitute_quantity=1,
    )

    phone.goto(reverse("pickup:substitute", args=[substitutions.answer_token(offer)]))
    expect(phone.locator("#original")).to_contain_text("Desk Lamp")
    expect(phone.locator("#original")).to_contain_text("£10.00")
    expect(phone.locator("#proposed")).to_contain_text("Floor Lamp")
    expect(phone.locator("#proposed")).to_contain_text("£8.00")
    accept = phone.get_by_role("button", name="Accept Floor Lamp")
    expect(accept).to_be_visible()
    expect(phone.get_by_role("button", name="No thanks")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert serious_violations(phone) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "phone-substitution.png"), full_page=False)

    accept.click()
    expect(phone.get_by_text("Thank you: Floor Lamp is on your order.")).to_be_visible()
    expect(phone.locator("#substitution-form")).to_have_count(0)
    assert order.lines.filter(title="Floor Lamp", num_allocated=1).exists()

    phone.goto(
        reverse(
            "customer:anon-order",
            kwargs={"order_number": order.number, "hash": order.verification_hash()},
        )
    )
    expect(phone.locator("#pickup-events")).to_contain_text("You accepted the substitute")
