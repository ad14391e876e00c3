"""Marketing e-mail: sent only to customers who said yes to marketing e-mails, each carrying
a one-click unsubscribe (RFC 8058: ``List-Unsubscribe`` with an https URL and a mailto, and
``List-Unsubscribe-Post``) and the same link in its body. Order and pickup messages never go
through here: they are not marketing and go whatever the customer's marketing answer."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from oscar.core.loading import get_model

from apps.profiles import consent
from apps.profiles.models import Consent

from . import links

Email = get_model("communication", "Email")


def subscribers():
    """Active accounts with an e-mail address who said yes to marketing e-mails."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            consents__channel=Consent.EMAIL,
            consents__granted=True,
        )
        .exclude(email="")
        .order_by("pk")
    )


def unsubscribe_mailto() -> str:
    address = settings.PRIVACY_UNSUBSCRIBE_MAILTO
    return f"mailto:{address}?subject=unsubscribe"


def marketing_message(*, user, subject: str, body: str, connection=None) -> EmailMultiAlternatives:
    url = links.unsubscribe_url(user, consent.EMAIL)
    text = f"{body.rstrip()}\n\n--\nYou get this because you asked for our news by e-mail.\nUnsubscribe with one click: {url}\n"
    return EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{url}>, <{unsubscribe_mailto()}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def send_marketing_email(*, subject: str, body: str, users=None) -> int:
    """Send one marketing e-mail to each customer with e-mail consent (of ``users``, or all);
    recorded in each account's e-mail history. Returns how many were sent."""
    recipients = subscribers()
    if users is not None:
        recipients = recipients.filter(pk__in=[u.pk for u in users])
    sent = 0
    with get_connection() as connection:
        for user in recipients.iterator():
            if not consent.granted(user, consent.EMAIL):  # withdrawn while we were sending
                continue
            message = marketing_message(
                user=user, subject=subject, body=body, connection=connection
            )
            message.send()
            Email.objects.create(
                user=user,
                email=user.email,
                subject=subject,
                body_text=message.body,
            )
            sent += 1
    return sent
