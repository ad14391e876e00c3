"""The shopper is told, once per event, after the change has committed."""

import datetime as dt
import smtplib

import pytest
from django.utils import timezone

from apps.notifications import services as notifications
from apps.notifications import tasks as notification_tasks
from apps.order import statuses
from apps.pickup import services, tasks
from apps.pickup.models import PickupEvent
from tests.factories import StoreStaffFactory, pick_all


@pytest.fixture
def staff(shop):
    return StoreStaffFactory(location=shop["leeds"]).user


def ready(order, staff, django_capture_on_commit_callbacks):
    services.start_picking(order=order, by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        pick_all(order, staff)
        services.mark_ready(order=order, by=staff)


def test_ready_for_collection_emails_the_shopper_their_code(
    order, staff, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    ready(order, staff, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["guest@example.com"]
    assert message.subject == f"Your order {order.number} is ready to collect at Omnishop Leeds"
    assert f"{order.pickup_code[:4]}-{order.pickup_code[4:]}" in message.body
    assert PickupEvent.objects.get(kind="ready").notified_at is not None


def test_each_event_is_sent_at_most_once(
    order, staff, mailoutbox, django_capture_on_commit_callbacks
):
    ready(order, staff, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    event = PickupEvent.objects.get(kind="ready")
    assert notifications.send_event_message(event_id=event.pk) is False  # a retry, a second worker
    assert mailoutbox == []


def test_resend_sends_again_without_changing_state(
    order, staff, mailoutbox, django_capture_on_commit_callbacks
):
    ready(order, staff, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.resend_ready(order=order, by=staff)
    order.refresh_from_db()
    assert order.status == statuses.READY
    assert len(mailoutbox) == 1 and "is ready to collect" in mailoutbox[0].subject


def test_a_mail_failure_does_not_undo_the_order_change_and_is_sent_later(
    order, staff, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    services.start_picking(order=order, by=staff)

    def broken(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("mail server down")

    monkeypatch.setattr("django.core.mail.message.EmailMessage.send", broken)
    with django_capture_on_commit_callbacks(execute=True):
        pick_all(order, staff)
        services.mark_ready(order=order, by=staff)  # the staff member sees no error
    order.refresh_from_db()
    assert order.status == statuses.READY
    event = PickupEvent.objects.get(kind="ready")
    assert event.notified_at is None
    monkeypatch.undo()
    mailoutbox.clear()
    assert notification_tasks.send_pending_notifications(older_than_minutes=0) == 1
    assert len(mailoutbox) == 1
    event.refresh_from_db()
    assert event.notified_at is not None
    assert notification_tasks.send_pending_notifications(older_than_minutes=0) == 0


def test_short_pick_and_cancel_tell_the_shopper(
    order, staff, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    services.start_picking(order=order, by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.short_pick(
            order=order, line=order.lines.get(), quantity=1, by=staff, reason="damaged"
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(order=order, by=staff, reason="customer called")
    subjects = [m.subject for m in mailoutbox]
    assert subjects == [
        f"Part of your order {order.number} is not available",
        f"Your order {order.number} is cancelled",
    ]


def test_the_background_job_marks_overdue_orders_not_collected(
    order, staff, shop, mailoutbox, django_capture_on_commit_callbacks
):
    ready(order, staff, django_capture_on_commit_callbacks)
    assert tasks.expire_uncollected() == 0
    PickupEvent.objects.filter(kind="ready").update(
        created_at=timezone.now() - dt.timedelta(days=shop["leeds"].holding_days + 1)
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.expire_uncollected() == 1
    order.refresh_from_db()
    assert order.status == statuses.NOT_COLLECTED
    assert mailoutbox[0].subject == f"Your order {order.number} was not collected"
