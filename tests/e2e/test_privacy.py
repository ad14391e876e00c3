"""The account's Privacy and consent page on a phone and a desktop: choices unticked until
ticked and listed in the history, "Download my data" followed until the download is there,
and "Delete my account" saying why it must wait. axe finds nothing serious on either."""

import io
import zipfile

import pytest
from playwright.sync_api import expect

from apps.order import statuses
from apps.privacy import services
from apps.privacy.models import ExportArchive
from apps.profiles import consent
from tests.e2e.conftest import SCREENSHOTS, serious_violations
from tests.factories import OrderFactory, StoreFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def private_exports(settings, tmp_path):
    settings.PRIVACY_EXPORT_ROOT = str(tmp_path / "private-exports")


@pytest.fixture
def shopper():
    user = UserFactory(email="shona@example.com", first_name="Shona", last_name="Reid")
    store = StoreFactory(code="leeds", name="Omnishop Leeds")
    OrderFactory(store=store, user=user, status=statuses.COLLECTED)
    return user


def sign_in(page, email, password="secret-pass-123"):
    page.goto("/accounts/login/")
    page.locator("#id_login-username").fill(email)
    page.locator("#id_login-password").fill(password)
    page.locator("button[name=login_submit]").click()
    expect(page.locator("#id_login-username")).to_have_count(0)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def choose_and_download(page, shopper, prefix):
    sign_in(page, shopper.email)
    page.goto("/accounts/")
    page.get_by_role("link", name="Privacy and consent").first.click()
    for label in ("Marketing e-mails", "Marketing text messages"):
        expect(page.get_by_label(label)).not_to_be_checked()
    page.get_by_label("Recommendations from my purchase history").check()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.locator(".alert-success").first).to_contain_text("Your choices are saved")
    expect(page.get_by_label("Recommendations from my purchase history")).to_be_checked()
    expect(page.locator("#consent-history")).to_contain_text("Account page")
    assert consent.granted(shopper, "personalisation")

    page.get_by_role("button", name="Download my data").click()
    archive = ExportArchive.objects.get(user=shopper)
    services.build_export(archive_id=archive.pk)  # the worker's part (inline when eager)
    download_link = page.locator("#download-my-data")
    expect(download_link).to_be_visible(timeout=20_000)  # the page asked, then reloaded
    expect(page.locator("#export-status")).to_contain_text("Your data is ready")
    assert no_horizontal_scroll(page)
    assert serious_violations(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{prefix}-privacy.png"), full_page=True)

    with page.expect_download() as download:
        download_link.click()
    with zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read())) as archive_zip:
        assert {"data.json", "orders.csv", "consent_history.csv"} <= set(archive_zip.namelist())
        assert b"shona@example.com" in archive_zip.read("account.csv")


def test_the_privacy_page_on_a_phone(phone, shopper):
    choose_and_download(phone, shopper, "phone")


def test_the_privacy_page_on_a_desktop(page, shopper):
    choose_and_download(page, shopper, "desktop")


def test_delete_my_account_says_why_it_must_wait_for_an_open_order(phone, shopper):
    store = shopper.orders.get().pickup_location
    order = OrderFactory(store=store, user=shopper, status=statuses.READY)
    sign_in(phone, shopper.email)
    phone.goto("/accounts/privacy/")
    phone.get_by_role("link", name="Delete my account").click()
    phone.get_by_label("Your password, to confirm").fill("secret-pass-123")
    phone.get_by_role("button", name="Delete my account").click()
    expect(phone.locator("#delete-refused")).to_contain_text(f"Order {order.number} is still open")
    assert no_horizontal_scroll(phone)
    assert serious_violations(phone) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "phone-delete-account.png"), full_page=True)
    shopper.refresh_from_db()
    assert shopper.is_active and shopper.email == "shona@example.com"
