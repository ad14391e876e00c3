"""A day before the holding days end the shopper is reminded, once; then the order expires."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from apps.order import statuses
from apps.pickup import selectors as pickup_selectors
from apps.pickup import services, tasks
from apps.pickup.models import PickupEvent
from tests.factories import StoreStaffFactory, pick_all


@pytest.fixture
def ready_order(order, shop, django_capture_on_commit_callbacks):
    staff = StoreStaffFactory(location=shop["leeds"]).user
    with django_capture_on_commit_callbacks(execute=True):
        services.start_picking(order=order, by=staff)
        pick_all(order, staff)
        services.mark_ready(order=order, by=staff)
    order.refresh_from_db()
    return order


def due(order):
    return pickup_selectors.collect_by(order)


def run(task, at, callbacks):
    with time_machine.travel(at, tick=False), callbacks(execute=True):
        return task()


def test_the_shopper_is_reminded_once_in_the_last_day(
    ready_order, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    last_day = due(ready_order) - dt.timedelta(hours=6)
    assert run(tasks.remind_uncollected, last_day, django_capture_on_commit_callbacks) == 1
    assert run(tasks.remind_uncollected, last_day, django_capture_on_commit_callbacks) == 0
    assert [m.subject for m in mailoutbox] == [
        f"Reminder: your order {ready_order.number} is waiting at Omnishop Leeds"
    ]
    collect_by = timezone.localtime(due(ready_order)).strftime("%A %-d %B, %H:%M")
    assert f"Please collect it by {collect_by}" in mailoutbox[0].body
    event = PickupEvent.objects.get(kind=PickupEvent.Kind.REMINDED)
    assert event.notified_at is not None and event.user is None
    ready_order.refresh_from_db()
    assert ready_order.status == statuses.READY


def test_no_reminder_before_the_last_day_or_after_the_holding_days(
    ready_order, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    early = due(ready_order) - dt.timedelta(days=2)
    assert run(tasks.remind_uncollected, early, django_capture_on_commit_callbacks) == 0
    late = due(ready_order) + dt.timedelta(minutes=1)
    assert run(tasks.remind_uncollected, late, django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []
    with pytest.raises(services.WrongState, match="not in its last day"):
        services.remind_to_collect(order=ready_order, now=early)


def test_after_the_reminder_the_order_expires_and_the_shopper_is_told(
    ready_order, shop, mailoutbox, django_capture_on_commit_callbacks
):
    run(
        tasks.remind_uncollected,
        due(ready_order) - dt.timedelta(hours=1),
        django_capture_on_commit_callbacks,
    )
    later = due(ready_order) + dt.timedelta(minutes=1)
    assert run(tasks.expire_uncollected, later, django_capture_on_commit_callbacks) == 1
    ready_order.refresh_from_db()
    assert ready_order.status == statuses.NOT_COLLECTED
    assert mailoutbox[-1].subject.startswith(f"Your order {ready_order.number}")
    kinds = list(ready_order.pickup_events.values_list("kind", flat=True))
    assert kinds[-2:] == [PickupEvent.Kind.REMINDED, PickupEvent.Kind.NOT_COLLECTED]


def test_orders_not_yet_ready_are_never_reminded(order):
    with pytest.raises(services.WrongState):
        services.remind_to_collect(order=order)
    assert not order.pickup_events.exists()
