"""Playwright driving Debian's Chromium (never a downloaded browser) against live_server."""

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-results"
#: Where the journeys save their screenshots: an ignored folder, so the test command changes
#: no committed file; `make screenshots` points it at docs/screenshots to refresh the README's.
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or ARTIFACTS / "screenshots")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "Debian's chromium is missing: `make test` installs it (apt-get install -y chromium)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@contextmanager
def browser_page(browser, request, base_url, **context_options):
    """A page in a fresh browser context; if the test failed, a picture of what it showed."""
    from playwright.sync_api import Error as PlaywrightError

    context = browser.new_context(base_url=base_url, **context_options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            # The visible part only (a full-page picture of a long page can take gigabytes), and
            # never a second failure: a page stuck loading gets no picture, not an error.
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), timeout=5_000)
    except PlaywrightError:
        pass
    finally:
        context.close()


@pytest.fixture
def page(browser, request, live_server):
    with browser_page(
        browser, request, live_server.url, viewport={"width": 1280, "height": 900}
    ) as page:
        yield page


#: The store console's tablet, in CSS pixels.
TABLET = {"width": 1024, "height": 768}


@pytest.fixture
def tablet(browser, request, live_server):
    """A page on a store's touch tablet (1024×768), otherwise as ``page``."""
    with browser_page(browser, request, live_server.url, viewport=TABLET, has_touch=True) as page:
        yield page


#: The phone every storefront page is made for first (an iPhone 14's screen, in CSS pixels).
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, request, live_server):
    """A page on a touch phone's screen (390×844), otherwise as ``page``."""
    with browser_page(
        browser, request, live_server.url, viewport=PHONE, is_mobile=True, has_touch=True
    ) as page:
        yield page


def serious_violations(page) -> list[str]:
    """axe-core's critical and serious WCAG 2.x A/AA findings on the page as it stands, one line
    each (rule, impact, the first offending element) so that a failing test says what to fix."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
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
