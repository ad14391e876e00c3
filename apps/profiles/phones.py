"""Phone numbers as people type them, in one canonical form (E.164) for storing and finding."""

import phonenumbers
from django.conf import settings


def normalise(text: str) -> str:
    """``"07911 123456"`` -> ``"+447911123456"`` (in the shop's region); ``""`` if not a phone."""
    text = (text or "").strip()
    if not text or "@" in text:
        return ""
    try:
        number = phonenumbers.parse(text, settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
