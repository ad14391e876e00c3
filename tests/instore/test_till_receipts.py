"""Till sales with their tender, and the e-mailed receipt: sent once, after the sale commits,
never undoing it."""

import datetime as dt
import smtplib
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from apps.instore import services, tasks
from apps.instore.models import TillSale
from apps.inventory.selectors import ledger_drift
from tests.factories import StoreStaffFactory, UserFactory

CASH_20 = services.Tender(method="cash", amount=Decimal("20.00"))


@pytest.fixture
def leeds_staff(shop):
    return StoreStaffFactory(location=shop["leeds"]).user


def sell(shop, by, **kwargs):
    return services.sell(location=shop["leeds"], quantities={shop["lamp"].pk: 1}, by=by, **kwargs)


def test_the_receipt_is_emailed_once_after_the_sale_commits(
    shop, leeds_staff, django_capture_on_commit_callbacks
):
    shopper = UserFactory(email="shona@example.com", first_name="Shona", last_name="Shopper")
    with django_capture_on_commit_callbacks() as callbacks:
        order = sell(shop, leeds_staff, customer=shopper, tender=CASH_20)
        assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["shona@example.com"]
    assert message.subject == f"Your receipt from Omnishop Leeds: order {order.number}"
    assert "1 × Desk Lamp at £10.00: £10.00" in message.body
    assert "Total: £10.00" in message.body and "Change: £10.00" in message.body
    assert f"Served by {leeds_staff.first_name}" in message.body
    assert TillSale.objects.get(order=order).receipt_sent_at is not None
    # a retry, or a second worker, sends nothing more
    assert tasks.send_till_receipt(order.till_sale.pk) is False
    assert len(mail.outbox) == 1


def test_a_rolled_back_sale_sends_no_receipt(shop, leeds_staff, django_capture_on_commit_callbacks):
    shopper = UserFactory(email="shona@example.com")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(services.InstoreError, match="£0.01 more is needed"),
    ):
        sell(
            shop,
            leeds_staff,
            customer=shopper,
            tender=services.Tender(method="cash", amount=Decimal("9.99")),
        )
    assert mail.outbox == [] and not TillSale.objects.exists()
    assert list(ledger_drift()) == []


def test_a_mail_server_down_never_undoes_the_sale_and_the_receipt_can_go_later(
    shop, leeds_staff, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    shopper = UserFactory(email="shona@example.com")

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("mail server down")

    with monkeypatch.context() as patched:
        patched.setattr("django.core.mail.EmailMessage.send", refuse)
        patched.setattr(tasks.send_till_receipt, "max_retries", 0)
        with django_capture_on_commit_callbacks(execute=True):
            order = sell(shop, leeds_staff, customer=shopper, tender=CASH_20)
    sale = TillSale.objects.get(order=order)
    assert sale.receipt_sent_at is None and mail.outbox == []
    assert "failed" in caplog.text
    assert tasks.send_pending_till_receipts(older_than_minutes=5) == 0  # too soon to retry
    TillSale.objects.filter(pk=sale.pk).update(created_at=sale.created_at - dt.timedelta(minutes=6))
    assert tasks.send_pending_till_receipts(older_than_minutes=5) == 1  # the sweeper sends it
    assert len(mail.outbox) == 1
    assert tasks.send_pending_till_receipts(older_than_minutes=5) == 0


def test_a_sale_records_its_tender(shop, leeds_staff):
    order = sell(shop, leeds_staff, tender=CASH_20)
    sale = order.till_sale
    assert (sale.tender, sale.amount_tendered, sale.change_given) == (
        "cash",
        Decimal("20.00"),
        Decimal("10.00"),
    )
    assert order.sources.get().source_type.name == "Till cash"
    card = sell(shop, leeds_staff, tender=services.Tender(method="card", card_reference="T-991"))
    assert (card.till_sale.tender, card.till_sale.card_reference) == ("card", "T-991")
    assert card.sources.get().reference == "T-991"
    assert list(ledger_drift()) == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"method": "cash", "amount": "5"}, None),
        ({"method": "cash", "amount": "£1,250.5"}, None),
        ({"method": "cash", "amount": "0"}, "is not an amount of money"),
        ({"method": "cash", "amount": "1e3"}, None),
        ({"method": "cash", "amount": "Infinity"}, "is not an amount of money"),
        ({"method": "card", "card_reference": ""}, "type the reference"),
        ({"method": "card", "card_reference": "x" * 65}, "at most 64 characters"),
        ({"method": "cheque"}, "cash or card"),
        ({"method": ""}, "cash or card"),
    ],
)
def test_a_tender_is_read_as_staff_type_it_or_refused_with_a_reason(fields, message):
    if message is None:
        tender = services.Tender.parse(**fields)
        assert tender.amount == Decimal(
            fields["amount"].replace("£", "").replace(",", "")
        ).quantize(Decimal("0.01"))
    else:
        with pytest.raises(services.InstoreError, match=message):
            services.Tender.parse(**fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"tender": "card", "card_reference": ""},
        {"tender": "cash", "amount_tendered": None},
        {"tender": "cash", "amount_tendered": Decimal("10"), "change_given": Decimal("-1")},
        {"tender": "card", "card_reference": "T-1", "change_given": Decimal("1")},
    ],
)
def test_the_database_refuses_an_incomplete_tender(shop, leeds_staff, fields):
    sale = sell(shop, leeds_staff, tender=CASH_20).till_sale
    with pytest.raises(IntegrityError), transaction.atomic():
        TillSale.objects.filter(pk=sale.pk).update(**fields)


def test_an_api_sale_without_a_tender_is_still_recorded(shop, leeds_staff):
    sale = sell(shop, leeds_staff).till_sale
    assert (sale.tender, sale.amount_tendered) == ("", None)
