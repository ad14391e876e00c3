"""The shopper's e-mail goes through the real broker (Redis) to a real Celery worker, after
the change has committed: no eager shortcut."""

import time

import pytest
from django.conf import settings

from apps.order import statuses
from apps.pickup import services
from apps.pickup.models import PickupEvent
from tests.conftest import REQUIRE_SERVICES
from tests.factories import StoreStaffFactory, pick_all

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker():
    """A Celery worker in this process, consuming from the Redis broker named by REDIS_URL."""
    if not settings.REDIS_URL:
        if REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1 but REDIS_URL is not set")
        pytest.skip("needs Redis: set REDIS_URL=redis://...")
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    assert app.conf.broker_url.startswith("redis://")
    app.conf.task_always_eager = False
    app.control.purge()  # nothing left over from an earlier run
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield app


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_ready_for_collection_reaches_the_shopper_through_redis_and_a_worker(
    order, shop, worker, mailoutbox
):
    staff = StoreStaffFactory(location=shop["leeds"]).user
    services.start_picking(order=order, by=staff)
    pick_all(order, staff)
    mailoutbox.clear()
    services.mark_ready(order=order, by=staff)  # commits; the task is published on commit

    event = PickupEvent.objects.get(order=order, kind=PickupEvent.Kind.READY)
    assert wait_for(lambda: PickupEvent.objects.get(pk=event.pk).notified_at is not None)
    assert [m.subject for m in mailoutbox] == [
        f"Your order {order.number} is ready to collect at Omnishop Leeds"
    ]
    order.refresh_from_db()
    assert order.status == statuses.READY
