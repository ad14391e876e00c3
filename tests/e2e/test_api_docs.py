"""The API's documentation renders in a browser from the shop's own files (no CDN)."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_lists_the_console_endpoints_without_leaving_the_shop(page, live_server):
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    page.goto("/api/docs/")
    hand_over = page.locator(".opblock").filter(
        has_text="/api/console/{code}/orders/{number}/hand-over/"
    )
    expect(hand_over).to_contain_text("Hand over after checking the pickup code")
    expect(page.locator(".opblock").filter(has_text="/sales/")).to_contain_text(
        "Record a till sale"
    )
    assert hosts == {urlparse(live_server.url).netloc}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "api-docs.png"))
