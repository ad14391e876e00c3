import os

import pytest
from django.db import connection

#: Set by .ci/run: every test runs, none may skip for want of PostgreSQL or Redis.
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


@pytest.fixture(scope="session", autouse=True)
def search_index(tmp_path_factory):
    """A throw-away Whoosh index for the test run, never the developer's own."""
    import haystack

    path = tmp_path_factory.mktemp("whoosh_index")
    haystack.connections.connections_info["default"]["PATH"] = str(path)
    haystack.connections.reload("default")
    return path


def needs_postgres():
    if connection.vendor != "postgresql":
        if REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1 but the database is not PostgreSQL")
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")


@pytest.fixture
def postgres():
    """For tests whose point is PostgreSQL's behaviour (real concurrent transactions)."""
    needs_postgres()


@pytest.fixture
def warehouse(db):
    from tests.factories import LocationFactory

    return LocationFactory(code="web", name="Online warehouse", kind="warehouse")


@pytest.fixture
def store(db):
    from tests.factories import StoreFactory

    return StoreFactory(code="leeds", name="Omnishop Leeds", city="Leeds")


@pytest.fixture
def other_store(db):
    from tests.factories import StoreFactory

    return StoreFactory(
        code="york", name="Omnishop York", city="York", latitude=53.96, longitude=-1.08
    )


@pytest.fixture
def product(db):
    from tests.factories import ProductFactory

    return ProductFactory(title="Desk Lamp", upc="LAMP-1")


@pytest.fixture
def shop(db):
    """A warehouse, two collect stores and a product with stock at some of them."""
    from tests.factories import LocationFactory, ProductFactory, StoreFactory, stock

    warehouse = LocationFactory(code="web", name="Online warehouse", kind="warehouse")
    leeds = StoreFactory(code="leeds", name="Omnishop Leeds", city="Leeds", lead_time_minutes=60)
    york = StoreFactory(
        code="york", name="Omnishop York", city="York", latitude=53.96, longitude=-1.08
    )
    lamp = ProductFactory(title="Desk Lamp", upc="LAMP-1")
    stock(warehouse, lamp, 10)
    stock(leeds, lamp, 2)
    stock(york, lamp, 0)
    return {"warehouse": warehouse, "leeds": leeds, "york": york, "lamp": lamp}


@pytest.fixture
def order(shop, client):
    """A guest's placed click-and-collect order for two lamps at the Leeds store."""
    from oscar.core.loading import get_model

    from tests.checkout.conftest import (
        add_to_basket,
        choose_collect,
        place_order,
        start_guest_checkout,
    )

    add_to_basket(client, shop["lamp"], quantity=2)
    start_guest_checkout(client)
    choose_collect(client, "leeds")
    place_order(client)
    client.logout()
    return get_model("order", "Order").objects.get()


@pytest.fixture(autouse=True)
def celery_eager():
    """Unit tests run tasks in-process; a test of the real broker and worker says so itself."""
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    """Texts to shoppers are kept in memory in tests, like e-mails in ``mailoutbox``."""
    from apps.notifications.sms import LocmemBackend

    settings.SMS_BACKEND = "apps.notifications.sms.LocmemBackend"
    LocmemBackend.outbox.clear()
    return LocmemBackend.outbox
