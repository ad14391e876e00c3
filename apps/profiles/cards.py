"""The account card: a QR code on the shopper's account pages that a till scans to attach the
sale to their account. It holds the account's id signed with the site's secret (salted for
this use alone), so it never expires but cannot be forged or pointed at another account."""

import segno
from django.core import signing

#: What every card starts with, so the till tells a scanned card from a typed e-mail or phone.
PREFIX = "OMNICARD-"
_SIGNER = signing.Signer(salt="apps.profiles.account-card")


class InvalidCard(Exception):
    """A scanned account card that this shop did not sign (altered, or mis-read)."""


def is_card(text: str) -> bool:
    return (text or "").strip().upper().startswith(PREFIX)


def card_token(user) -> str:
    """``OMNICARD-42:<signature>``: what the card's QR code says."""
    return _SIGNER.sign(f"{PREFIX}{user.pk}")


def account_id(token: str) -> int:
    """The account id a card names; InvalidCard if the signature does not match."""
    try:
        value = _SIGNER.unsign((token or "").strip())
    except signing.BadSignature as exc:
        raise InvalidCard("That account card was not issued by us or has been altered.") from exc
    number = value.removeprefix(PREFIX)
    if not number.isdigit():  # cannot happen with our own signature, but never trust a cast
        raise InvalidCard("That account card was not issued by us or has been altered.")
    return int(number)


def qr_svg(token: str) -> str:
    """The card's QR code as inline SVG (segno, rendered here: no third-party service)."""
    return segno.make(token, error="m", micro=False).svg_inline(
        scale=6, dark="#111", border=2, title="Your account card: show it at the till"
    )
