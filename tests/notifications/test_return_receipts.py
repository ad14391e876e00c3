"""A return at the counter e-mails the customer a receipt: what was taken back and the refund."""

import smtplib

from apps.instore import services
from apps.instore.models import CounterReturn
from apps.notifications import tasks
from tests.factories import StoreStaffFactory, UserFactory


def sale_to(shop, customer, staff):
    return services.sell(
        location=shop["leeds"], quantities={shop["lamp"].pk: 2}, by=staff, customer=customer
    )


def test_the_customer_gets_one_receipt_listing_the_return_and_refund(
    shop, mailoutbox, django_capture_on_commit_callbacks
):
    staff = StoreStaffFactory(location=shop["leeds"]).user
    order = sale_to(shop, UserFactory(email="shona@example.com"), staff)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.take_return(
            location=shop["leeds"],
            order=order,
            quantities={order.lines.get().pk: 2},
            by=staff,
            damaged=True,
        )
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["shona@example.com"], f"Your return at Omnishop Leeds (order {order.number})")
    ]
    body = mailoutbox[0].body
    assert "2 x Desk Lamp (damaged)" in body and "We will refund £20.00." in body
    assert not CounterReturn.objects.filter(notified_at__isnull=True).exists()
    assert tasks.send_pending_notifications(older_than_minutes=0) == 0


def test_a_receipt_that_could_not_be_sent_goes_out_later_once(
    shop, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    staff = StoreStaffFactory(location=shop["leeds"]).user
    order = sale_to(shop, UserFactory(email="shona@example.com"), staff)

    def mail_down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("mail server down")

    monkeypatch.setattr("django.core.mail.message.EmailMessage.send", mail_down)
    with django_capture_on_commit_callbacks(execute=True):
        refund = services.take_return(
            location=shop["leeds"], order=order, quantities={order.lines.get().pk: 1}, by=staff
        )
    assert str(refund) == "10.00"  # the return stands although the mail failed
    monkeypatch.undo()
    mailoutbox.clear()
    assert tasks.send_pending_notifications(older_than_minutes=0) == 1
    assert len(mailoutbox) == 1
    assert tasks.send_pending_notifications(older_than_minutes=0) == 0


def test_a_return_from_an_anonymous_till_sale_sends_nothing(
    shop, mailoutbox, django_capture_on_commit_callbacks
):
    staff = StoreStaffFactory(location=shop["leeds"]).user
    order = sale_to(shop, None, staff)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.take_return(
            location=shop["leeds"], order=order, quantities={order.lines.get().pk: 1}, by=staff
        )
    assert mailoutbox == []
    assert tasks.send_pending_notifications(older_than_minutes=0) == 0
