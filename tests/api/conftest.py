import pytest
from rest_framework.test import APIClient

from apps.stores.models import StoreStaff
from tests.factories import StoreStaffFactory


def api_client(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def leeds_staff(shop):
    return StoreStaffFactory(location=shop["leeds"]).user


@pytest.fixture
def leeds_manager(shop):
    return StoreStaffFactory(location=shop["leeds"], role=StoreStaff.Role.MANAGER).user


@pytest.fixture
def york_staff(shop):
    return StoreStaffFactory(location=shop["york"], role=StoreStaff.Role.MANAGER).user


@pytest.fixture
def leeds_api(leeds_staff):
    return api_client(leeds_staff)


@pytest.fixture
def york_api(york_staff):
    return api_client(york_staff)


def errors(response) -> dict[str, str]:
    """The error codes of an API error answer by field ("" for none), checking its shape."""
    body = response.json()
    assert body["type"] in ("validation_error", "client_error", "server_error"), body
    return {error["attr"] or "": error["code"] for error in body["errors"]}
