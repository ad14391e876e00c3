"""A merchandiser reads the journey figures of a fortnight in a browser: every chart drawn by
the shop's own Chart.js, one store chosen, and nothing axe finds serious; the page's picture
goes to the screenshots folder (docs/screenshots/dashboard-journey.png with make screenshots)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS
from tests.factories import UserFactory
from tests.journey.conftest import fortnight  # noqa: F401 - the seeded fortnight

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHARTS = ("funnel", "channels", "ready", "counter")


def serious_violations(page) -> list[str]:
    """axe-core's critical and serious WCAG 2.x A/AA findings, as ``tests.e2e.conftest`` reads
    them, on the page less Oscar's own top bar (its sign-out form sits directly in a list, on
    every dashboard page: not this page's to change)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        context={"exclude": [["#top_nav_bar"]]},
        options={
            "runOnly": {
                "type": "tag",
                "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
            }
        },
    )
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']} {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("critical", "serious")
    ]


def test_merchandiser_reads_the_journey_figures(page, fortnight):  # noqa: F811
    UserFactory(email="merch@example.com", is_staff=True, is_superuser=True)
    page.goto("/accounts/login/?next=/dashboard/journey/%3Fstart%3D2026-11-02%26end%3D2026-11-15")
    page.locator("#id_login-username").fill("merch@example.com")
    page.locator("#id_login-password").fill("secret-pass-123")
    page.locator("button[name=login_submit]").click()

    expect(page.locator("#journey-span")).to_contain_text("Every store, 2 Nov 2026 to 15 Nov 2026")
    for chart in CHARTS:
        expect(page.locator(f"#{chart}-chart")).to_have_attribute("data-drawn", "1")
    expect(page.locator("#attach-rate")).to_contain_text("66.7%")
    assert serious_violations(page) == []

    page.get_by_label("Store", exact=True).select_option(label="Omnishop Leeds")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#journey-span")).to_contain_text("Omnishop Leeds, 2 Nov 2026")
    checkouts = page.locator("#funnel-table tr", has_text="Collect checkout").locator("td")
    expect(checkouts).to_have_text("5")
    expect(page.locator("#attach-rate")).to_contain_text("50.0%")
    for chart in CHARTS:
        expect(page.locator(f"#{chart}-chart")).to_have_attribute("data-drawn", "1")
    assert serious_violations(page) == []
    # The whole page in one tall window (a full-page capture resizes it while the charts draw).
    page.set_viewport_size({"width": 1280, "height": 2100})
    page.wait_for_timeout(500)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-journey.png"))
