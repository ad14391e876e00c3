"""Reads for the counter: finding any order a customer brings back."""

from django.db.models import Q, QuerySet
from oscar.core.loading import get_model

from apps.order.selectors import phone_matches

Order = get_model("order", "Order")


def orders_for_return(text: str) -> QuerySet:
    """Orders of every channel by number, or by the customer's e-mail, phone or full name,
    newest first."""
    text = text.strip()
    if not text:
        return Order.objects.none()
    matches = (
        Q(number=text)
        | Q(guest_email__iexact=text)
        | Q(user__email__iexact=text)
        | Q(pickup_name__iexact=text)
    )
    first, _, last = text.partition(" ")
    if last:  # "Shona Shopper": the account holder's full name
        matches |= Q(user__first_name__iexact=first, user__last_name__iexact=last.strip())
    matches |= phone_matches(text)
    return (
        Order.objects.filter(matches)
        .distinct()
        .prefetch_related("lines__counter_returns")
        .order_by("-date_placed")
    )
