"""A task that fails for good is kept as a dead letter (name, id, arguments, error, traceback,
when, attempts); staff list them in the dashboard and send one again or dismiss it."""

import smtplib

import pytest
from django.conf import settings
from django.urls import reverse

from apps.notifications.tasks import notify_shopper, send_pending_notifications
from apps.ops.models import DeadLetter
from apps.pickup import services
from apps.pickup.models import PickupEvent
from config.celery import SEND_RETRY, app
from tests.conftest import REQUIRE_SERVICES
from tests.factories import StoreStaffFactory, UserFactory, pick_all
from tests.ops.test_worker_process import wait_for

pytestmark = pytest.mark.django_db

NOTIFY = "apps.notifications.tasks.notify_shopper"


@pytest.fixture
def mail_down(settings):
    settings.EMAIL_BACKEND = "tests.ops.mail.DownBackend"


@pytest.fixture
def ready_message_failed(order, shop, mail_down, django_capture_on_commit_callbacks):
    """The order is ready; its e-mail failed on every attempt (the mail server is down)."""
    staff = StoreStaffFactory(location=shop["leeds"]).user
    services.start_picking(order=order, by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        pick_all(order, staff)
        services.mark_ready(order=order, by=staff)  # the first attempt fails: to be retried
    assert not DeadLetter.objects.exists()  # a failure that will be retried is no dead letter
    event = PickupEvent.objects.get(order=order, kind=PickupEvent.Kind.READY)
    with pytest.raises(smtplib.SMTPServerDisconnected):  # the last of SEND_RETRY's retries
        notify_shopper.apply(args=[event.pk], retries=SEND_RETRY["max_retries"])
    return event


def test_a_task_whose_retries_are_used_up_is_recorded_once(ready_message_failed):
    letter = DeadLetter.objects.get()
    assert letter.task_name == NOTIFY
    assert letter.args == [ready_message_failed.pk]
    assert letter.kwargs == {}
    assert letter.exception == "SMTPServerDisconnected: mail server down"
    assert "send_event_message" in letter.traceback
    assert letter.attempts == 9  # the first try and SEND_RETRY's 8 retries
    assert notify_shopper.max_retries == 8
    assert letter.task_id and letter.failed_at and letter.is_open


@pytest.fixture
def sweep_failed(db):
    """A task that does not retry failed at once (here: called with a bad argument)."""
    with pytest.raises(TypeError):
        send_pending_notifications.delay("not a number of minutes")
    return DeadLetter.objects.get()


def test_an_error_a_task_does_not_retry_is_recorded_at_once(sweep_failed):
    assert sweep_failed.task_name == "apps.notifications.tasks.send_pending_notifications"
    assert sweep_failed.args == ["not a number of minutes"]
    assert sweep_failed.attempts == 1
    assert sweep_failed.exception.startswith("TypeError")


def test_staff_see_the_failed_tasks_in_the_dashboard(merchandiser, ready_message_failed):
    page = merchandiser.get(reverse("dashboard:dead-letter-list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert NOTIFY in html and "SMTPServerDisconnected: mail server down" in html
    assert reverse("dashboard:dead-letter-list") in html  # in the dashboard's navigation
    assert "Send again" in html and "Dismiss" in html
    detail = merchandiser.get(
        reverse("dashboard:dead-letter-detail", args=[DeadLetter.objects.get().pk])
    )
    assert "send_event_message" in detail.content.decode()


def test_only_staff_reach_them(client, ready_message_failed):
    client.force_login(UserFactory())
    letter = DeadLetter.objects.get()
    assert client.get(reverse("dashboard:dead-letter-list")).status_code in (302, 403)
    client.post(reverse("dashboard:dead-letter-retry", args=[letter.pk]))
    letter.refresh_from_db()
    assert letter.is_open


def test_send_again_delivers_the_message_and_records_who_and_when(
    merchandiser, ready_message_failed, settings, mailoutbox
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # server is back
    letter = DeadLetter.objects.get()
    retry = reverse("dashboard:dead-letter-retry", args=[letter.pk])
    assert merchandiser.get(retry).status_code == 405  # POST only
    response = merchandiser.post(retry)
    assert response.status_code == 302
    assert [m.subject for m in mailoutbox] == [
        f"Your order {ready_message_failed.order.number} is ready to collect at Omnishop Leeds"
    ]
    ready_message_failed.refresh_from_db()
    assert ready_message_failed.notified_at is not None
    letter.refresh_from_db()
    assert letter.retried_at is not None and letter.retried_by.is_superuser
    assert letter.retry_task_id and not letter.is_open
    merchandiser.post(retry)  # pressed twice: nothing is sent again
    assert len(mailoutbox) == 1
    page = merchandiser.get(reverse("dashboard:dead-letter-list") + "?state=resolved")
    assert "Sent again" in page.content.decode()


def test_sent_again_and_failing_again_is_a_new_dead_letter(merchandiser, sweep_failed):
    response = merchandiser.post(
        reverse("dashboard:dead-letter-retry", args=[sweep_failed.pk]), follow=True
    )
    assert "failed again" in response.content.decode()
    sweep_failed.refresh_from_db()
    assert not sweep_failed.is_open
    again = DeadLetter.objects.exclude(pk=sweep_failed.pk).get()
    assert again.task_name == sweep_failed.task_name and again.is_open


def test_dismiss_closes_it_without_sending(merchandiser, ready_message_failed, mailoutbox):
    letter = DeadLetter.objects.get()
    merchandiser.post(reverse("dashboard:dead-letter-dismiss", args=[letter.pk]))
    letter.refresh_from_db()
    assert letter.resolved_at is not None and letter.retried_at is None
    assert letter.resolved_by.is_superuser
    assert mailoutbox == []
    page = merchandiser.get(reverse("dashboard:dead-letter-list"))
    assert "No failed tasks waiting." in page.content.decode()


# --- on the real broker, with a worker ------------------------------------------------------


@pytest.fixture
def worker(transactional_db):
    """A Celery worker in this process, consuming from the Redis broker named by REDIS_URL."""
    if not settings.REDIS_URL:
        if REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1 but REDIS_URL is not set")
        pytest.skip("needs Redis: set REDIS_URL=redis://...")
    from celery.contrib.testing.worker import start_worker

    app.conf.task_always_eager = False
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield app


def test_a_task_failing_on_a_worker_is_recorded(worker):
    result = send_pending_notifications.delay("not a number of minutes")
    assert wait_for(lambda: DeadLetter.objects.filter(task_id=result.id).exists(), 60)
    letter = DeadLetter.objects.get(task_id=result.id)
    assert letter.task_name == "apps.notifications.tasks.send_pending_notifications"
    assert letter.args == ["not a number of minutes"] and letter.attempts == 1
    assert "TypeError" in letter.traceback


def test_the_last_retry_failing_on_a_worker_is_recorded_with_its_attempts(order, mail_down, worker):
    event = PickupEvent.objects.create(order=order, kind=PickupEvent.Kind.READY)
    result = notify_shopper.apply_async(args=[event.pk], retries=SEND_RETRY["max_retries"])
    assert wait_for(lambda: DeadLetter.objects.filter(task_id=result.id).exists(), 60)
    letter = DeadLetter.objects.get(task_id=result.id)
    assert letter.attempts == 9
    assert letter.exception == "SMTPServerDisconnected: mail server down"
    event.refresh_from_db()
    assert event.notified_at is None
