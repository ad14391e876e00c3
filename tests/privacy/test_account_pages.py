"""The account's Privacy and consent page, "Download my data" and "Delete my account"."""

import datetime as dt
import io
import json
import zipfile

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from apps.order import statuses
from apps.privacy import links, services, tasks
from apps.privacy.models import AuditEntry, ExportArchive
from apps.profiles import consent
from tests.factories import OrderFactory, UserFactory

pytestmark = pytest.mark.django_db
PAGE = "/accounts/privacy/"


@pytest.fixture
def shopper(client):
    user = UserFactory(email="rosa@example.com", first_name="Rosa", last_name="Lind")
    client.force_login(user)
    return user


def test_the_page_shows_every_consent_unticked_until_the_customer_ticks_it(client, shopper):
    page = client.get(PAGE).content.decode()
    for code in ("email", "sms", "personalisation"):
        assert f'name="{code}"' in page
        assert (
            f'name="{code}" class="form-check-input" aria-describedby="id_{code}-help" id="id_{code}" checked'
            not in page
        )
    assert "checked" not in page.split('id="consent-form"')[1].split("</form>")[0]
    assert "You have not changed anything yet" in page


def test_a_change_on_the_page_is_kept_with_the_account_as_its_source(client, shopper):
    response = client.post(PAGE, {"personalisation": "on", "sms": "on"})
    assert response.status_code == 302
    assert consent.current(shopper) == {"email": False, "sms": True, "personalisation": True}
    assert {(c.channel, c.source) for c in consent.history(shopper)} == {
        ("sms", "account"),
        ("personalisation", "account"),
    }
    client.post(PAGE, {"sms": "on"})  # personalisation unticked again
    assert not consent.granted(shopper, "personalisation")
    page = client.get(PAGE).content.decode()
    history = page.split('id="consent-history"')[1]
    assert history.count("Account page") == 3
    assert "Recommendations from my purchase history" in history


def test_the_account_navigation_leads_to_the_page(client, shopper):
    page = client.get(reverse("customer:profile-view")).content.decode()
    assert f'href="{PAGE}"' in page and "Privacy and consent" in page


def test_download_my_data_is_built_on_celery_and_served_by_an_expiring_signed_link(
    client, shopper, django_capture_on_commit_callbacks, mailoutbox
):
    OrderFactory(user=shopper, status=statuses.COLLECTED)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("privacy:export"))
    assert response.status_code == 302 and len(queued) == 1, "the build is queued after commit"
    archive = ExportArchive.objects.get(user=shopper)
    assert client.get(reverse("privacy:export-status", args=[archive.pk])).json() == {
        "state": "pending",
        "ready": False,
    }
    assert "We are preparing your data" in client.get(PAGE).content.decode()  # the status line

    archive = services.build_export(archive_id=archive.pk)  # what the worker runs
    assert services.archive_storage().exists(archive.file_name)
    tasks.send_export_link(archive.pk)
    assert client.get(reverse("privacy:export-status", args=[archive.pk])).json()["ready"]
    url = links.download_url(archive)
    assert url in mailoutbox[-1].body and "List-Unsubscribe" not in mailoutbox[-1].extra_headers
    page = client.get(PAGE).content.decode()
    assert url.split("://", 1)[1].split("/", 1)[1] in page  # the page shows the same link

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(
        zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).read("data.json")
    )
    assert data["account"][0]["email"] == "rosa@example.com" and len(data["orders"]) == 1
    assert AuditEntry.objects.filter(kind="export", via="account", actor="customer").count() == 1

    client.force_login(UserFactory())
    assert client.get(url).status_code == 404, "only its owner downloads it"
    client.force_login(shopper)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=73)):
        expired = client.get(url)
        assert expired.status_code == 410 and "expired" in expired.content.decode()
        assert services.delete_expired_exports() == 1
    assert not services.archive_storage().exists(archive.file_name)
    assert ExportArchive.objects.get(pk=archive.pk).state == "expired"


def test_an_altered_download_link_is_refused(client, shopper):
    response = client.get(reverse("privacy:download", args=["1:abc:def"]))
    assert response.status_code == 410 and "not one we sent" in response.content.decode()


def test_archives_are_not_under_media_and_not_served(settings, shopper):
    archive = services.build_export(archive_id=services.request_export(user=shopper).pk)
    path = services.archive_storage().path(archive.file_name)
    assert not path.startswith(str(settings.MEDIA_ROOT))


def test_delete_my_account_needs_the_password_and_erases_the_customer(client, shopper):
    OrderFactory(user=shopper, status=statuses.COLLECTED, pickup_phone="07912 345678")
    wrong = client.post(reverse("privacy:delete"), {"password": "not-it"})
    assert wrong.status_code == 200 and get_user_model().objects.filter(pk=shopper.pk).exists()

    response = client.post(reverse("privacy:delete"), {"password": "secret-pass-123"})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(email="rosa@example.com").exists()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.get(kind="erasure").via == "account"


def test_oscars_delete_profile_page_is_the_erasure_too(client, shopper):
    assert (
        client.get(reverse("customer:profile-delete")).resolver_match.func.view_class.__name__
        == "DeleteAccountView"
    )


def test_delete_my_account_with_an_open_order_shows_why_and_keeps_everything(client, shopper):
    order = OrderFactory(user=shopper, status=statuses.READY)
    response = client.post(reverse("privacy:delete"), {"password": "secret-pass-123"})
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Order {order.number} is still open" in page and 'id="delete-refused"' in page
    assert get_user_model().objects.get(pk=shopper.pk).email == "rosa@example.com"
    assert AuditEntry.objects.filter(kind="erasure_refused").count() == 1


def test_the_order_history_lists_every_channel_with_where(client, shopper):
    from tests.factories import StoreFactory, StoreStaffFactory

    store = StoreFactory(code="bath", name="Omnishop Bath")
    staff = StoreStaffFactory(location=store).user
    delivery = OrderFactory(delivery=True, user=shopper)
    collect = OrderFactory(store=store, user=shopper)
    till = OrderFactory(channel="store", store=store, user=shopper, by=staff)
    page = " ".join(client.get(reverse("customer:order-list")).content.decode().split())
    rows = {
        o.number: page.split(f">{o.number}</a>")[1].split("</tr>")[0]
        for o in (delivery, collect, till)
    }
    assert "Home delivery" in rows[delivery.number]
    assert "Click and collect · Omnishop Bath" in rows[collect.number]
    assert "In store · Omnishop Bath" in rows[till.number]
