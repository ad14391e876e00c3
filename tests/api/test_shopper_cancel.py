"""POST /api/account/orders/<number>/cancel/: the shopper calls off their own pickup order
before the store starts picking it."""

import pytest
from django.urls import reverse

from apps.order import statuses
from apps.pickup import services
from tests.api.conftest import api_client, errors
from tests.factories import OrderFactory, StoreStaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopper():
    return UserFactory()


@pytest.fixture
def placed(shop, shopper):
    return OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1}, user=shopper, channel="api")


def cancel_url(order):
    return reverse("api:cancel-mine", args=[order.number])


def test_the_shopper_cancels_and_gets_the_order_back_cancelled(placed, shopper):
    response = api_client(shopper).post(cancel_url(placed))
    assert response.status_code == 200
    body = response.json()
    assert (body["number"], body["status"]) == (placed.number, statuses.CANCELLED)
    assert body["pickup_code"] is None and body["pickup_qr_svg"] is None
    placed.refresh_from_db()
    assert placed.status == statuses.CANCELLED


def test_once_picking_started_it_is_409_wrong_state(placed, shopper, shop):
    services.start_picking(order=placed, by=StoreStaffFactory(location=shop["leeds"]).user)
    response = api_client(shopper).post(cancel_url(placed))
    assert response.status_code == 409 and errors(response) == {"": "wrong_state"}
    placed.refresh_from_db()
    assert placed.status == statuses.PICKING


def test_someone_elses_order_is_404(placed):
    response = api_client(UserFactory()).post(cancel_url(placed))
    assert response.status_code == 404
    placed.refresh_from_db()
    assert placed.status == statuses.PLACED


def test_anonymous_is_401(placed):
    response = api_client().post(cancel_url(placed))
    assert response.status_code == 401
    placed.refresh_from_db()
    assert placed.status == statuses.PLACED


def test_a_delivery_order_is_409_not_a_server_error(shop, shopper):
    order = OrderFactory(user=shopper, channel="api", delivery=True, lines={shop["lamp"]: 1})
    response = api_client(shopper).post(cancel_url(order))
    assert response.status_code == 409 and errors(response) == {"": "wrong_state"}


def test_the_schema_documents_it():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/account/orders/{number}/cancel/"]["post"]
    assert {"200", "401", "404", "409"} <= operation["responses"].keys()
