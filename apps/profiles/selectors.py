"""Finding customers by what a shopper tells a member of staff: e-mail or phone."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from . import cards, phones


def profile_phone(user) -> str:
    """The phone on the user's profile (E.164), or ``""``."""
    if not user.is_authenticated:
        return ""
    phone = getattr(getattr(user, "profile", None), "phone", None)
    return str(phone) if phone else ""


def customers_matching(text: str) -> QuerySet:
    """Accounts with this e-mail, or with this phone on their profile or on a pickup order."""
    User = get_user_model()
    text = (text or "").strip()
    if not text:
        return User.objects.none()
    if "@" in text:
        return User.objects.filter(email__iexact=text)
    phone = phones.normalise(text)
    if not phone:
        return User.objects.none()
    return User.objects.filter(Q(profile__phone=phone) | Q(orders__pickup_phone=phone)).distinct()


def customer_for_card(token: str):
    """The active account a scanned account card names; ``cards.InvalidCard`` for a card we
    did not sign (altered) or whose account is closed."""
    user = get_user_model().objects.filter(pk=cards.account_id(token), is_active=True).first()
    if user is None:
        raise cards.InvalidCard("That account card belongs to a closed account.")
    return user
