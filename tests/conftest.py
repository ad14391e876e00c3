import datetime as dt
import os
import zoneinfo

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
def merchandiser(client, db):
    """The test client, signed in as a merchandiser (staff who run the catalogue and stores)."""
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


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
def catalogue(db, store, other_store):
    """Three products, SKU-1 to SKU-3, with 10 of each at ``store`` (the stock feeds' tests)."""
    from tests.factories import ProductFactory, stock

    products = [ProductFactory(upc=f"SKU-{i}", title=f"Thing {i}") for i in range(1, 4)]
    for p in products:
        stock(store, p, 10)
    return products


@pytest.fixture
def floor_lamp(shop):
    """A Floor Lamp (8.00, 3 at Leeds) in Lighting with the shop's Desk Lamp: its substitute."""
    from decimal import Decimal

    from oscar.apps.catalogue.categories import create_from_breadcrumbs
    from oscar.core.loading import get_model

    from tests.factories import ProductFactory, stock

    lighting = create_from_breadcrumbs("Lighting")
    lamp = ProductFactory(title="Floor Lamp", upc="FLOOR-1")
    for product in (shop["lamp"], lamp):
        get_model("catalogue", "ProductCategory").objects.create(product=product, category=lighting)
    stock(shop["warehouse"], lamp, 5, price=Decimal("8.00"))
    stock(shop["leeds"], lamp, 3)
    return lamp


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
def order(shop):
    """A guest's placed click-and-collect order for two lamps at the Leeds store."""
    from tests.factories import OrderFactory

    return OrderFactory(
        store=shop["leeds"],
        lines={shop["lamp"]: 2},
        guest_email="guest@example.com",
        pickup_name="Ann Other",
    )


# --- two days of one store's activity, for the store reports and the stores overview ---------

LONDON = zoneinfo.ZoneInfo("Europe/London")
MONDAY = dt.date(2026, 11, 2)
TUESDAY = MONDAY + dt.timedelta(days=1)


def at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


@pytest.fixture
def manager(shop):
    """The Leeds store's manager."""
    from apps.stores.models import StoreStaff
    from tests.factories import StoreStaffFactory

    return StoreStaffFactory(location=shop["leeds"], role=StoreStaff.Role.MANAGER).user


@pytest.fixture
def two_days(shop, manager):
    """Monday: two pickup orders; one ready in 30 min. Tuesday: it is collected, the other
    cancelled; a till sale, and one unit of it brought back damaged."""
    import time_machine

    from apps.instore import services as instore
    from apps.pickup import services
    from tests.factories import OrderFactory, pick_all, stock

    def collect_order():
        return OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1})

    stock(shop["leeds"], shop["lamp"], 5)
    with time_machine.travel(at(MONDAY, 10), tick=False):
        fast = collect_order()
    with time_machine.travel(at(MONDAY, 11), tick=False):
        slow = collect_order()
    with time_machine.travel(at(MONDAY, 10, 30), tick=False):
        services.start_picking(order=fast, by=manager)
        pick_all(fast, manager)
        services.mark_ready(order=fast, by=manager)
    with time_machine.travel(at(TUESDAY, 12), tick=False):
        services.hand_over(order=fast, by=manager, code=fast.pickup_code)
        services.cancel(order=slow, by=manager, reason="customer asked")
    with time_machine.travel(at(TUESDAY, 15), tick=False):
        sale = instore.sell(location=shop["leeds"], quantities={shop["lamp"].pk: 2}, by=manager)
        instore.take_return(
            location=shop["leeds"],
            order=sale,
            quantities={sale.lines.get().pk: 1},
            by=manager,
            damaged=True,
        )
    return {"fast": fast, "slow": slow, "sale": sale}


@pytest.fixture(autouse=True)
def fresh_store_directory():
    """Each test reads the locations and categories it made and renders its own pages: a
    rolled-back test's are not kept."""
    from apps.storefront import fragments, menu
    from apps.stores import directory

    directory.forget()
    menu.forget()
    fragments.forget()


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
