"""One customer known in every channel, and a scan of the whole database for them."""

from django.db import connection
from oscar.core.loading import get_model

from apps.instore import services as instore
from apps.notifications import services as notifications
from apps.order import statuses
from apps.pickup import services as pickup
from apps.profiles import consent
from apps.profiles.models import Profile
from tests.factories import (
    OrderFactory,
    ProductFactory,
    StoreFactory,
    StoreStaffFactory,
    UserFactory,
    delivery_address,
)

UserAddress = get_model("address", "UserAddress")
Country = get_model("address", "Country")

NAME = ("Zebedee", "Quixote")
EMAIL = "zebedee.quixote@example.org"
PHONE = "+447912345678"
ARRIVAL_NOTE = "Silver estate in bay 7"


def customer_in_every_channel():
    """A delivery order (dispatched), a collect order (arrived, then collected), a till sale
    with a return, a guest order with the same e-mail, an address book entry and consents."""
    user = UserFactory(email=EMAIL, first_name=NAME[0], last_name=NAME[1])
    Profile.objects.create(user=user, phone=PHONE)
    store = StoreFactory(code="bath", name="Omnishop Bath", city="Bath")
    staff = StoreStaffFactory(location=store).user
    lamp = ProductFactory(title="Desk Lamp", upc="LAMP-1")
    address = delivery_address(first_name=NAME[0], last_name=NAME[1], phone_number=PHONE)
    UserAddress.objects.create(user=user, **{**address, "line1": "9 Quixote Lane"})

    delivery = OrderFactory(delivery=True, user=user, lines={lamp: 1}, address=address)
    delivery.set_status(statuses.DISPATCHED)

    collect = OrderFactory(
        store=store,
        user=user,
        lines={lamp: 2},
        status=statuses.READY,
        by=staff,
        pickup_phone="07912 345678",
    )
    ready = collect.pickup_events.get(kind="ready")
    notifications.send_event_message(event_id=ready.pk)  # the e-mail the worker would send
    notifications.send_event_text(event_id=ready.pk)
    pickup.announce_arrival(order=collect, by=user, note=ARRIVAL_NOTE)
    pickup.hand_over(order=collect, by=staff, code=collect.pickup_code, collected_by=" ".join(NAME))

    till = OrderFactory(channel="store", store=store, user=user, lines={lamp: 2}, by=staff)
    line = till.lines.get()
    instore.take_return(location=store, order=till, quantities={line.pk: 1}, by=staff)

    guest = OrderFactory(
        store=store,
        user=None,
        guest_email=EMAIL.upper(),
        pickup_name=" ".join(NAME),
        status=statuses.COLLECTED,
        by=staff,
    )
    consent.record(user=user, channel="email", granted=True, source="checkout")
    consent.record(user=user, channel="personalisation", granted=True, source="account")
    return {
        "user": user,
        "store": store,
        "staff": staff,
        "delivery": delivery,
        "collect": collect,
        "till": till,
        "guest": guest,
    }


TEXT_TYPES = ("text", "character varying", "character", "json", "jsonb", "varchar", "char")


def text_columns() -> list[tuple[str, str]]:
    """Every text, character and JSON column of every table in the database."""
    columns = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND data_type = ANY(%s)",
                [list(TEXT_TYPES)],
            )
            return cursor.fetchall()
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'PRAGMA table_info("{table}")')
            for _cid, name, kind, *_rest in cursor.fetchall():
                if kind.lower().split("(")[0].strip() in TEXT_TYPES:
                    columns.append((table, name))
    return columns


def rows_naming(*values: str) -> list[tuple[str, str, str]]:
    """(table, column, value) of a cell in each column that contains one of ``values`` (any
    case): every text, character and JSON column of every table, read with raw SQL."""
    found = []
    cast = "::text" if connection.vendor == "postgresql" else ""
    patterns = [f"%{value.lower()}%" for value in values]
    with connection.cursor() as cursor:
        for table, column in text_columns():
            cell = f'LOWER("{column}"{cast})'
            cursor.execute(
                f'SELECT "{column}"{cast} FROM "{table}" '
                f"WHERE {' OR '.join([f'{cell} LIKE %s'] * len(patterns))} LIMIT 1",
                patterns,
            )
            row = cursor.fetchone()
            if row:
                found.append((table, column, str(row[0])[:80]))
    return found
