"""Marketing e-mail goes only with consent and carries a one-click unsubscribe; the POST works
without signing in. Order messages are never marketing."""

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from apps.notifications import services as notifications
from apps.order import statuses
from apps.privacy import links
from apps.profiles import consent
from tests.factories import OrderFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def news(tmp_path):
    body = tmp_path / "news.txt"
    body.write_text("Our winter range is in every store.\n", encoding="utf-8")
    return str(body)


def test_the_newsletter_goes_only_to_customers_who_said_yes_by_email(news):
    yes = UserFactory(email="yes@example.com")
    UserFactory(email="never@example.com")
    sms_only = UserFactory(email="sms@example.com")
    consent.record(user=yes, channel="email", granted=True, source="checkout")
    consent.record(user=sms_only, channel="sms", granted=True, source="till")

    call_command("send_newsletter", subject="Winter", body_file=news)

    assert [m.to for m in mail.outbox] == [["yes@example.com"]]
    message = mail.outbox[0]
    url = links.unsubscribe_url(yes)
    assert url.startswith("http") and url in message.body
    assert message.extra_headers["List-Unsubscribe"] == (
        f"<{url}>, <mailto:unsubscribe@omnishop.example?subject=unsubscribe>"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in message.message().as_string()
    assert yes.emails.filter(subject="Winter").exists(), "kept in the e-mail history"


def test_a_newsletter_without_a_body_is_refused(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    with pytest.raises(CommandError, match="empty"):
        call_command("send_newsletter", subject="Winter", body_file=str(empty))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("send_newsletter", subject="Winter", body_file=str(tmp_path / "none.txt"))


def test_one_click_unsubscribe_works_without_signing_in_or_a_csrf_token(news):
    user = UserFactory(email="yes@example.com")
    consent.record(user=user, channel="email", granted=True, source="checkout")
    url = links.unsubscribe_url(user).split("://", 1)[1].split("/", 1)[1]
    browser = Client(enforce_csrf_checks=True)  # a mail provider: no cookie, no token

    response = browser.post(f"/{url}", {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200 and 'id="unsubscribed"' in response.content.decode()
    assert not consent.granted(user, "email")
    assert [(c.granted, c.source) for c in consent.history(user)][0] == (False, "unsubscribe")
    call_command("send_newsletter", subject="Winter", body_file=news)
    assert mail.outbox == []


def test_the_unsubscribe_link_opened_in_a_browser_asks_first(client):
    user = UserFactory()
    consent.record(user=user, channel="email", granted=True, source="account")
    url = "/" + links.unsubscribe_url(user).split("://", 1)[1].split("/", 1)[1]
    page = client.get(url).content.decode()
    assert 'id="confirm-unsubscribe"' in page
    assert consent.granted(user, "email"), "a GET (a mail scanner following links) changes nothing"


def test_an_altered_unsubscribe_link_is_refused_with_a_reason(client):
    user = UserFactory()
    token = links.unsubscribe_token(user)
    response = client.post(f"/unsubscribe/{token[:-2]}xx/")
    assert response.status_code == 400 and "not one we sent" in response.content.decode()


def test_order_messages_carry_no_unsubscribe_and_go_without_marketing_consent():
    user = UserFactory()
    assert not consent.granted(user, "email")
    order = OrderFactory(user=user, status=statuses.READY)
    mail.outbox.clear()
    notifications.send_event_message(event_id=order.pickup_events.get(kind="ready").pk)
    assert len(mail.outbox) == 1
    assert "List-Unsubscribe" not in mail.outbox[0].message().as_string()
