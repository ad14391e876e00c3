"""Signed links about a customer's data: an export's download link (expires after
``PRIVACY_EXPORT_LINK_HOURS``) and the one-click unsubscribe link of marketing messages (never
expires: it must work from any old newsletter). Both are signed with the site's secret, each
with a salt of its own, so neither can be altered or used as the other."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from apps.order.links import absolute

_DOWNLOAD = signing.TimestampSigner(salt="apps.privacy.export-download")
_UNSUBSCRIBE = signing.Signer(salt="apps.privacy.unsubscribe")


class BadLink(Exception):
    """A link that we did not sign, was altered, or has expired (the message says which)."""


def download_token(archive) -> str:
    return _DOWNLOAD.sign(str(archive.pk))


def archive_id(token: str) -> int:
    try:
        value = _DOWNLOAD.unsign(token, max_age=settings.PRIVACY_EXPORT_LINK_HOURS * 3600)
    except signing.SignatureExpired as exc:
        raise BadLink("This download link has expired: ask for your data again.") from exc
    except signing.BadSignature as exc:
        raise BadLink("This download link is not one we sent, or it was altered.") from exc
    return int(value)


def download_url(archive) -> str:
    return absolute(reverse("privacy:download", args=[download_token(archive)]))


def unsubscribe_token(user, channel: str = "email") -> str:
    return _UNSUBSCRIBE.sign(f"{user.pk}.{channel}")


def unsubscriber(token: str) -> tuple[int, str]:
    """(account id, channel) of an unsubscribe link."""
    try:
        value = _UNSUBSCRIBE.unsign(token)
    except signing.BadSignature as exc:
        raise BadLink("This unsubscribe link is not one we sent, or it was altered.") from exc
    user_id, _dot, channel = value.partition(".")
    return int(user_id), channel


def unsubscribe_url(user, channel: str = "email") -> str:
    return absolute(reverse("privacy:unsubscribe", args=[unsubscribe_token(user, channel)]))
