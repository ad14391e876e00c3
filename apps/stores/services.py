"""Opening a location: the store (or warehouse) and the Oscar partner its stock records hang on."""

from django.db import transaction
from oscar.core.loading import get_model

from .models import Location

Partner = get_model("partner", "Partner")


class CodeTaken(ValueError):
    """The code's Oscar partner already belongs to another location."""


@transaction.atomic
def open_location(*, code: str, name: str, **fields) -> Location:
    """A new location with its own partner (same code and name), so it can hold stock at once."""
    partner, _ = Partner.objects.get_or_create(code=code, defaults={"name": name})
    if Location.objects.filter(partner=partner).exists():
        raise CodeTaken(f"Partner {code} already belongs to another location: choose another code.")
    return Location.objects.create(partner=partner, code=code, name=name, **fields)
