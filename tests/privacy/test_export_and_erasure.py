"""One customer, every channel: the export holds everything about them; erasure leaves no
trace of them anywhere in the database while the orders' money stays as it was."""

import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from oscar.core.loading import get_model

from apps.order import statuses
from apps.privacy.models import AuditEntry
from tests.factories import OrderFactory, UserFactory

from .customer import ARRIVAL_NOTE, EMAIL, NAME, PHONE, customer_in_every_channel, rows_naming

Order = get_model("order", "Order")
Line = get_model("order", "Line")

pytestmark = pytest.mark.django_db


@pytest.fixture
def everywhere():
    return customer_in_every_channel()


def test_the_export_holds_every_order_return_arrival_and_consent(everywhere, tmp_path):
    out = tmp_path / "zebedee.zip"
    call_command("export_customer", EMAIL, output=str(out))

    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        data = json.loads(archive.read("data.json"))
        orders_csv = archive.read("orders.csv").decode()
    assert {"data.json", "orders.csv", "order_lines.csv", "arrivals.csv", "returns.csv"} <= names
    assert {"till_sales.csv", "consent_history.csv", "addresses.csv", "emails.csv"} <= names

    numbers = {o["number"]: o for o in data["orders"]}
    for key in ("delivery", "collect", "till", "guest"):
        assert everywhere[key].number in numbers, key
        assert everywhere[key].number in orders_csv
    assert numbers[everywhere["delivery"].number]["channel"] == "delivery"
    assert numbers[everywhere["collect"].number]["channel"] == "collect"
    assert numbers[everywhere["till"].number]["channel"] == "in store"
    assert numbers[everywhere["collect"].number]["pickup_code"] == everywhere["collect"].pickup_code
    assert [a["note"] for a in data["arrivals"]] == [ARRIVAL_NOTE]
    assert [(r["order"], r["quantity"]) for r in data["returns"]] == [
        (everywhere["till"].number, 1)
    ]
    assert [s["order"] for s in data["till_sales"]] == [everywhere["till"].number]
    assert {line["order"] for line in data["order_lines"]} == set(numbers)
    assert data["account"][0]["email"] == EMAIL
    assert data["profile"][0]["phone"] == PHONE
    assert data["addresses"][0]["line1"] == "9 Quixote Lane"
    assert {a["kind"] for a in data["order_addresses"]} >= {"shipping"}
    assert [(c["channel"], c["source"]) for c in data["consent_history"]] == [
        ("email", "checkout"),
        ("personalisation", "account"),
    ]
    kinds = {e["event"] for e in data["pickup_events"]}
    assert {"Ready for collection", "Customer arrived", "Handed over"} <= kinds
    assert data["messages_sent"], "the ready message and the confirmations were sent"

    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.EXPORT)
    assert entry.subject_user_id == everywhere["user"].pk
    assert EMAIL not in json.dumps(entry.detail) and EMAIL not in entry.subject_ref


def test_erasure_leaves_no_personal_field_anywhere_and_the_money_as_it_was(everywhere):
    needles = (EMAIL, NAME[1], PHONE, "7912345678", "7912 345678", ARRIVAL_NOTE)
    assert rows_naming(*needles), "the scan finds the customer before the erasure"
    money = {
        o.number: (o.total_incl_tax, o.total_excl_tax, o.shipping_incl_tax, o.status)
        for o in Order.objects.all()
    }
    lines = sorted(
        Line.objects.values_list("order__number", "quantity", "line_price_incl_tax", "title")
    )

    call_command("erase_customer", EMAIL, "--yes")

    assert rows_naming(*needles) == []
    assert money == {
        o.number: (o.total_incl_tax, o.total_excl_tax, o.shipping_incl_tax, o.status)
        for o in Order.objects.all()
    }
    assert lines == sorted(
        Line.objects.values_list("order__number", "quantity", "line_price_incl_tax", "title")
    )
    assert not Order.objects.filter(pickup_code__isnull=False).exists()
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.ERASURE)
    assert entry.subject_user_id == everywhere["user"].pk and entry.via == "command"


@pytest.fixture
def customer_with_a_ready_order():
    user = UserFactory(email=EMAIL, first_name=NAME[0], last_name=NAME[1])
    ended = OrderFactory(user=user, status=statuses.COLLECTED)
    return user, ended, OrderFactory(store=ended.pickup_location, user=user, status=statuses.READY)


def test_erasure_with_an_open_order_is_refused_with_its_number(customer_with_a_ready_order):
    user, ended, still_open = customer_with_a_ready_order

    with pytest.raises(CommandError, match=f"Refused: Order {still_open.number} is still open"):
        call_command("erase_customer", EMAIL, "--yes")

    for order in (ended, still_open):
        order.refresh_from_db()
        assert order.user_id == user.pk and order.pickup_name == " ".join(NAME)
    assert rows_naming(EMAIL), "nothing was erased"
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.ERASURE_REFUSED).count() == 1


def test_erase_asks_first_and_a_no_erases_nothing(customer_with_a_ready_order, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    with pytest.raises(CommandError, match="Not confirmed"):
        call_command("erase_customer", EMAIL)
    assert rows_naming(EMAIL)
    assert not AuditEntry.objects.exists()


def test_an_unknown_email_is_refused_by_both_commands(db, tmp_path):
    with pytest.raises(CommandError, match="nobody@example.org"):
        call_command("erase_customer", "nobody@example.org", "--yes")
    with pytest.raises(CommandError, match="nobody@example.org"):
        call_command("export_customer", "nobody@example.org", output=str(tmp_path / "x.zip"))
    assert not (tmp_path / "x.zip").exists()


def test_something_that_is_not_an_email_names_nobody(db, tmp_path):
    UserFactory(email="", username="no-email")  # an account without an address is not ""'s
    OrderFactory(channel="store")  # a till sale without a receipt e-mail either
    for typed in ("", "   ", "no-email"):
        with pytest.raises(CommandError, match="is not an e-mail address"):
            call_command("erase_customer", typed, "--yes")
        with pytest.raises(CommandError, match="is not an e-mail address"):
            call_command("export_customer", typed, output=str(tmp_path / "x.zip"))
    assert not AuditEntry.objects.exists()
