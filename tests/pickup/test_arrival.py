"""Curbside and counter pickup: the shopper says "I'm here" and the store sees it first."""

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from apps.checkout.services import place_collect_order
from apps.order import statuses
from apps.pickup import services
from apps.pickup.models import PickupEvent
from tests.api.conftest import api_client
from tests.factories import OrderFactory, StoreStaffFactory, UserFactory, pick_all


def text(response):
    return " ".join(response.content.decode().split())


@pytest.fixture
def staff(shop):
    return StoreStaffFactory(location=shop["leeds"]).user


def ready_order_for(user, shop, staff):
    order, _ = place_collect_order(
        user=user, store=shop["leeds"], quantities={shop["lamp"].pk: 1}, collector_name=user.email
    )
    services.start_picking(order=order, by=staff)
    pick_all(order, staff)
    services.mark_ready(order=order, by=staff)
    return order


def test_the_shopper_arrives_and_the_store_sees_them_first(shop, staff, client):
    early, late = UserFactory(email="early@example.com"), UserFactory(email="late@example.com")
    first = ready_order_for(early, shop, staff)
    second = ready_order_for(late, shop, staff)
    with time_machine.travel("2026-11-25 14:05 +00:00", tick=False):
        response = api_client(late).post(
            reverse("api:arrived", args=[second.number]), {"note": "parking bay 3"}
        )
    assert response.status_code == 200 and response.json()["status"] == statuses.READY
    client.force_login(staff)
    queue = text(client.get(reverse("console:queue", args=["leeds"])))
    ready = queue.split('data-group="ready"')[1].split("</section>")[0]
    assert ready.index(f"#{second.number}") < ready.index(f"#{first.number}")
    assert "Here since 14:05: parking bay 3" in ready
    page = text(client.get(reverse("console:order", args=["leeds", second.number])))
    assert "The customer is here (since 14:05): parking bay 3" in page
    steps = client.get(reverse("api:order", args=["leeds", second.number])).json()["timeline"]
    arrived = [step for step in steps if step["kind"] == "arrived"]
    assert [(step["label"], step["detail"]) for step in arrived] == [
        ("Customer arrived", {"note": "parking bay 3"})
    ]
    assert PickupEvent.objects.get(kind="arrived").user == late


def test_arriving_before_the_order_is_ready_or_for_someone_elses_order_is_refused(shop, staff):
    shopper = UserFactory(email="shona@example.com")
    order, _ = place_collect_order(
        user=shopper, store=shop["leeds"], quantities={shop["lamp"].pk: 1}, collector_name="S"
    )
    too_soon = api_client(shopper).post(reverse("api:arrived", args=[order.number]), {})
    assert too_soon.status_code == 409
    assert too_soon.json()["errors"][0]["code"] == "wrong_state"
    stranger = UserFactory(email="someone@example.com")
    assert api_client(stranger).post(reverse("api:arrived", args=[order.number])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.announce_arrival(order=order, by=stranger)
    assert not PickupEvent.objects.filter(kind="arrived").exists()


def test_the_account_page_has_an_im_here_button_once_the_order_is_ready(shop, staff, client):
    shopper = UserFactory(email="shona@example.com")
    order = ready_order_for(shopper, shop, staff)
    client.force_login(shopper)
    page = client.get(reverse("customer:order", args=[order.number])).content.decode()
    assert "I&#x27;m here" in page or "I'm here" in page
    done = client.post(
        reverse("pickup:arrived", args=[order.number]), {"note": "at the door"}, follow=True
    )
    assert "the store knows you are here" in done.content.decode()
    assert PickupEvent.objects.get(kind="arrived").detail == {"note": "at the door"}


def test_arriving_for_a_delivery_order_is_409_not_a_server_error(shop):
    shopper = UserFactory()
    order = OrderFactory(user=shopper, channel="api", delivery=True, lines={shop["lamp"]: 1})
    response = api_client(shopper).post(f"/api/account/orders/{order.number}/arrived/", {})
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "wrong_state"
