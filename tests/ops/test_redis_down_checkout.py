"""Redis (cache and broker) down during checkout: the order is placed and confirmed, staff
make it ready, and the shopper's "ready" e-mail, which could not be queued, is sent by the
sweeper through the real broker and a worker once Redis is back."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.notifications import tasks as notification_tasks
from apps.order.models import Order
from apps.pickup import services
from apps.pickup.models import PickupEvent
from config.celery import app
from tests.conftest import REQUIRE_SERVICES
from tests.factories import StoreStaffFactory, UserFactory, pick_all
from tests.ops.test_worker_process import wait_for

#: Nothing listens on port 1: every connection to "Redis" is refused.
DEAD_REDIS = "redis://127.0.0.1:1/7"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_down(settings):
    if not settings.REDIS_URL:
        if REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1 but REDIS_URL is not set")
        pytest.skip("needs Redis: set REDIS_URL=redis://...")
    caches, broker = settings.CACHES, app.conf.broker_url
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FailSoftRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    app.conf.broker_url = DEAD_REDIS
    app.conf.task_always_eager = False

    def recover():
        settings.CACHES = caches
        app.conf.broker_url = broker

    yield recover
    recover()


def test_an_order_placed_while_redis_is_down_is_told_ready_after_it_recovers(
    shop, redis_down, mailoutbox
):
    shopper = UserFactory(email="shona@example.com")
    api = APIClient()
    api.force_authenticate(shopper)
    response = api.post(
        reverse("api:checkout-collect"),
        {"store": "leeds", "lines": [{"upc": "LAMP-1", "quantity": 1}]},
        format="json",
    )
    assert response.status_code == 201, response.content
    order = Order.objects.get(number=response.json()["number"])
    assert [m.to for m in mailoutbox] == [["shona@example.com"]]  # the confirmation
    staff = StoreStaffFactory(location=shop["leeds"]).user
    services.start_picking(order=order, by=staff)
    pick_all(order, staff)
    services.mark_ready(order=order, by=staff)  # its e-mail cannot be queued: no error for staff
    event = PickupEvent.objects.get(order=order, kind=PickupEvent.Kind.READY)
    assert event.notified_at is None
    assert len(mailoutbox) == 1

    redis_down()  # Redis is back
    from celery.contrib.testing.worker import start_worker

    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert (
            notification_tasks.send_pending_notifications(older_than_minutes=0) == 1
        )  # beat's sweep
        assert wait_for(lambda: PickupEvent.objects.get(pk=event.pk).notified_at is not None, 60)
    assert [m.subject for m in mailoutbox][1:] == [
        f"Your order {order.number} is ready to collect at Omnishop Leeds"
    ]
