"""Shoppers who gave a phone are texted when their order is ready (and reminded), once per event,
whatever happens to the e-mail."""

import datetime as dt

import pytest
import time_machine

from apps.notifications import tasks as notification_tasks
from apps.notifications.sms import LocmemBackend
from apps.order.links import order_page_url
from apps.pickup import selectors as pickup_selectors
from apps.pickup import services, tasks
from apps.pickup.models import PickupEvent
from tests.factories import OrderFactory, StoreStaffFactory, pick_all


@pytest.fixture
def order_with_phone(shop):
    return OrderFactory(
        store=shop["leeds"],
        lines={shop["lamp"]: 1},
        guest_email="guest@example.com",
        pickup_name="Ann Other",
        pickup_phone="07911 123456",
    )


def make_ready(order, shop, callbacks):
    staff = StoreStaffFactory(location=shop["leeds"]).user
    with callbacks(execute=True):
        services.start_picking(order=order, by=staff)
        pick_all(order, staff)
        services.mark_ready(order=order, by=staff)
    return staff


def test_ready_texts_the_collector_with_the_code(
    order_with_phone, shop, sms_outbox, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    order = order_with_phone
    staff = make_ready(order, shop, django_capture_on_commit_callbacks)
    code = f"{order.pickup_code[:4]}-{order.pickup_code[4:]}"
    assert sms_outbox == [
        {
            "to": "+447911123456",
            "body": f"Omnishop Leeds: your order {order.number} is ready to collect. "
            f"Show code {code} at the counter. We keep it 7 days. {order_page_url(order)}",
        }
    ]
    assert len(mailoutbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.resend_ready(order=order, by=staff)
    assert len(sms_outbox) == 2 and len(mailoutbox) == 2
    assert notification_tasks.send_pending_notifications(older_than_minutes=0) == 0


def test_no_phone_no_text(order, shop, sms_outbox, django_capture_on_commit_callbacks):
    make_ready(order, shop, django_capture_on_commit_callbacks)
    assert sms_outbox == []
    assert PickupEvent.objects.get(kind="ready").notified_at is not None


def test_a_failed_text_is_sent_later_once_and_never_repeats_the_email(
    order_with_phone,
    shop,
    sms_outbox,
    mailoutbox,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    def provider_down(self, *, to, body):
        raise ConnectionError("SMS provider unreachable")

    monkeypatch.setattr(LocmemBackend, "send", provider_down)
    mailoutbox.clear()
    make_ready(order_with_phone, shop, django_capture_on_commit_callbacks)
    event = PickupEvent.objects.get(kind="ready")
    assert (event.notified_at is not None, event.texted_at) == (True, None)
    assert len(mailoutbox) == 1
    monkeypatch.undo()
    assert notification_tasks.send_pending_notifications(older_than_minutes=0) == 1
    assert len(sms_outbox) == 1 and len(mailoutbox) == 1
    assert notification_tasks.send_pending_notifications(older_than_minutes=0) == 0


def test_the_reminder_is_texted_with_the_collect_by_time(
    order_with_phone, shop, sms_outbox, django_capture_on_commit_callbacks
):
    make_ready(order_with_phone, shop, django_capture_on_commit_callbacks)
    due = pickup_selectors.collect_by(order_with_phone)
    with (
        time_machine.travel(due - dt.timedelta(hours=3), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.remind_uncollected()
    assert "Please collect it by" in sms_outbox[-1]["body"]
    assert len(sms_outbox) == 2


@pytest.mark.parametrize("texts_ok, texts", [(True, 1), (False, 0)])
def test_account_holders_can_turn_texts_off(
    shop, sms_outbox, mailoutbox, django_capture_on_commit_callbacks, texts_ok, texts
):
    from apps.checkout.services import place_collect_order
    from apps.profiles.models import Profile
    from tests.factories import UserFactory

    shopper = UserFactory(email="shona@example.com")
    Profile.objects.create(user=shopper, phone="+447911123456", texts_ok=texts_ok)
    order, _ = place_collect_order(
        user=shopper,
        store=shop["leeds"],
        quantities={shop["lamp"].pk: 1},
        collector_name="Shona",
        collector_phone="+447911123456",
    )
    mailoutbox.clear()
    make_ready(order, shop, django_capture_on_commit_callbacks)
    assert len(sms_outbox) == texts and len(mailoutbox) == 1
