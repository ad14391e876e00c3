"""The shopper keeps a ready order longer, once: the collect-by time moves on by
PICKUP_HOLD_EXTENSION_DAYS, a reminder comes again before the new end and the order expires
only then; refused with the reason when not ready, extended already or too late."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from apps.order import statuses
from apps.pickup import services, tasks
from apps.pickup.models import PickupEvent
from apps.pickup.selectors import collect_by, queue
from tests import races
from tests.api.conftest import api_client
from tests.factories import OrderFactory, UserFactory


def text(response):
    return " ".join(response.content.decode().split())


def run(task, at, callbacks):
    with time_machine.travel(at, tick=False), callbacks(execute=True):
        return task()


@pytest.fixture
def ready(shop):
    """A guest's order for a lamp, ready for collection at the Leeds store (3 holding days)."""
    return OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1}, status=statuses.READY)


@pytest.fixture
def shopper():
    return UserFactory(email="shona@example.com")


@pytest.fixture
def ready_mine(shop, shopper):
    return OrderFactory(
        store=shop["leeds"], lines={shop["lamp"]: 1}, status=statuses.READY, user=shopper
    )


def extend(order, **kwargs):
    return services.extend_hold(
        order=order, by=None, verification_hash=order.verification_hash(), **kwargs
    )


def test_keeping_it_longer_moves_collect_by_on_and_the_reminder_comes_again(
    ready, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.PICKUP_HOLD_EXTENSION_DAYS = 2
    old_due = collect_by(ready)
    callbacks = django_capture_on_commit_callbacks
    assert run(tasks.remind_uncollected, old_due - dt.timedelta(hours=6), callbacks) == 1
    assert "keep it 2 more days (once)" in mailoutbox[-1].body

    with time_machine.travel(old_due - dt.timedelta(hours=5), tick=False):
        extend(ready)
    ready.refresh_from_db()
    new_due = collect_by(ready)
    assert new_due == old_due + dt.timedelta(days=2)
    assert ready.status == statuses.READY and ready.hold_extension_days == 2
    event = ready.pickup_events.get(kind=PickupEvent.Kind.HOLD_EXTENDED)
    assert event.detail == {"days": 2, "collect_by": new_due.isoformat()}

    # Not reminded again before the new end's last day, then once in it.
    assert run(tasks.remind_uncollected, new_due - dt.timedelta(days=1, hours=1), callbacks) == 0
    mailoutbox.clear()
    assert run(tasks.remind_uncollected, new_due - dt.timedelta(hours=6), callbacks) == 1
    assert run(tasks.remind_uncollected, new_due - dt.timedelta(hours=5), callbacks) == 0
    assert len(mailoutbox) == 1
    when = timezone.localtime(new_due).strftime("%A %-d %B, %H:%M")
    assert f"Please collect it by {when}" in mailoutbox[0].body
    assert "more day" not in mailoutbox[0].body  # no second extension to offer


def test_expiry_waits_for_the_new_collect_by_time(ready, django_capture_on_commit_callbacks):
    old_due = collect_by(ready)
    extend(ready)
    ready.refresh_from_db()
    new_due = collect_by(ready)
    assert new_due == old_due + dt.timedelta(days=3)  # the default setting
    callbacks = django_capture_on_commit_callbacks
    assert run(tasks.expire_uncollected, old_due + dt.timedelta(minutes=1), callbacks) == 0
    ready.refresh_from_db()
    assert ready.status == statuses.READY
    assert run(tasks.expire_uncollected, new_due + dt.timedelta(minutes=1), callbacks) == 1
    ready.refresh_from_db()
    assert ready.status == statuses.NOT_COLLECTED


def test_the_store_does_not_see_a_kept_order_as_overdue(ready, shop):
    old_due = collect_by(ready)
    extend(ready)
    later = old_due + dt.timedelta(hours=1)
    groups = queue(shop["leeds"], now=later)
    assert [o.number for o in groups.ready] == [ready.number] and groups.overdue == []


def test_a_second_extension_is_refused_with_the_reason(ready):
    extend(ready)
    ready.refresh_from_db()
    due = collect_by(ready)
    with pytest.raises(services.WrongState, match="can be extended only once"):
        extend(ready)
    ready.refresh_from_db()
    assert collect_by(ready) == due
    assert ready.pickup_events.filter(kind=PickupEvent.Kind.HOLD_EXTENDED).count() == 1


def test_an_order_not_yet_ready_is_refused(order):
    with pytest.raises(services.WrongState, match="only a ready order can be kept longer"):
        extend(order)
    order.refresh_from_db()
    assert order.hold_extended_at is None and order.hold_extension_days == 0


def test_an_order_past_its_collect_by_time_is_refused(ready):
    late = collect_by(ready) + dt.timedelta(minutes=1)
    with pytest.raises(services.WrongState, match="too late to keep it longer"):
        extend(ready, now=late)
    ready.refresh_from_db()
    assert ready.hold_extended_at is None
    assert not ready.pickup_events.filter(kind=PickupEvent.Kind.HOLD_EXTENDED).exists()


def test_the_guest_keeps_it_longer_from_the_tracking_page(ready, client):
    page = reverse("customer:anon-order", args=[ready.number, ready.verification_hash()])
    before = text(client.get(page))
    assert "Keep it for 3 more days" in before and "You can do this once." in before
    due = timezone.localtime(collect_by(ready)) + dt.timedelta(days=3)

    done = client.post(
        reverse("pickup:guest-extend", args=[ready.number, ready.verification_hash()]),
        follow=True,
    )
    after = text(done)
    assert done.redirect_chain[-1][0] == page
    assert "we will keep your order longer" in after
    until = due.strftime("%A %-d %B, %H:%M")
    assert f"Collect by {until}" in after
    assert f"Kept for you 3 more days at your request, until {until}." in after
    assert "An order can be kept longer only once." in after
    assert "Keep it for 3 more days" not in after
    ready.refresh_from_db()
    assert ready.hold_extension_days == 3


def test_a_wrong_link_cannot_keep_a_guests_order(ready, client):
    response = client.post(reverse("pickup:guest-extend", args=[ready.number, "1:wrong"]))
    assert response.status_code == 404
    ready.refresh_from_db()
    assert ready.hold_extended_at is None


def test_the_signed_in_shopper_keeps_it_longer_through_the_api(ready_mine, shopper):
    due = collect_by(ready_mine)
    url = reverse("api:extend-hold", args=[ready_mine.number])
    response = api_client(shopper).post(url)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == statuses.READY and body["hold_extension_days"] == 3
    assert dt.datetime.fromisoformat(body["collect_by"]) == due + dt.timedelta(days=3)

    again = api_client(shopper).post(url)
    assert again.status_code == 409
    assert again.json()["errors"][0]["code"] == "wrong_state"
    assert "only once" in again.json()["errors"][0]["detail"]


def test_the_account_page_button_keeps_it_longer(ready_mine, shopper, client):
    client.force_login(shopper)
    page = text(client.get(reverse("customer:order", args=[ready_mine.number])))
    assert "Keep it for 3 more days" in page
    client.post(reverse("pickup:extend", args=[ready_mine.number]))
    ready_mine.refresh_from_db()
    assert ready_mine.hold_extension_days == 3


def test_another_shoppers_order_is_404(ready_mine, client):
    stranger = UserFactory(email="someone@example.com")
    response = api_client(stranger).post(reverse("api:extend-hold", args=[ready_mine.number]))
    assert response.status_code == 404
    client.force_login(stranger)
    assert client.post(reverse("pickup:extend", args=[ready_mine.number])).status_code == 404
    ready_mine.refresh_from_db()
    assert ready_mine.hold_extended_at is None


@pytest.mark.django_db(transaction=True)
def test_two_extensions_at_once_keep_it_longer_once(postgres, ready_mine, shopper):
    due = collect_by(ready_mine)
    outcomes = races.together(
        lambda: services.extend_hold(order=ready_mine, by=shopper),
        lambda: services.extend_hold(order=ready_mine, by=shopper),
        refusals={services.PickupError: "refused"},
    )
    assert sorted(outcomes) == ["ok", "refused"]
    ready_mine.refresh_from_db()
    assert collect_by(ready_mine) == due + dt.timedelta(days=3)
    assert ready_mine.pickup_events.filter(kind=PickupEvent.Kind.HOLD_EXTENDED).count() == 1
