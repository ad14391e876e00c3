"""The Content-Security-Policy breaks nothing: the pages a shopper, the store staff and a
merchandiser use run in Chromium without a single script or style the policy refused."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from oscar.core.loading import get_model
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

Product = get_model("catalogue", "Product")


def sign_in(page, email, password, next_url):
    page.goto(f"/accounts/login/?next={next_url}")
    page.locator("#id_login-username").fill(email)
    page.locator("#id_login-password").fill(password)
    page.locator("button[name=login_submit]").click()


def test_no_page_breaks_the_policy(page, live_server):
    call_command("load_demo", "--products", "12", "--no-progress", "--orders", verbosity=0)
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    product = Product.objects.filter(is_public=True).order_by("pk").first()

    page.goto("/")
    page.goto(product.get_absolute_url())
    page.get_by_role("button", name="Add to basket").first.click()
    page.get_by_role("banner").get_by_role("link", name="View basket").click()  # a link now
    expect(page).to_have_url(re.compile(r"/basket/$"))

    sign_in(page, "staff.london@omnishop.example", "omnishop-staff", "/console/")
    expect(page.locator("#queue")).to_be_visible()
    page.goto(reverse("console:pick-wave", args=["london-soho"]))
    page.context.clear_cookies()

    sign_in(page, "merch@omnishop.example", "omnishop-merch", "/dashboard/")
    page.goto("/dashboard/catalogue/")
    page.goto("/dashboard/stock/")
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui")).to_be_visible()
    expect(page.get_by_text("/api/console/{code}/queue/").first).to_be_visible()
    page.goto("/api/redoc/")
    expect(page.get_by_text("Omnishop", exact=False).first).to_be_visible()

    # Only ReDoc's own logo, fetched from its makers' site, may be refused: nothing leaves the
    # shop. Nothing of the shop's (its scripts, its inline code) is ever refused.
    ours = [m for m in refused if "https://cdn.redoc.ly/" not in m]
    assert ours == []
