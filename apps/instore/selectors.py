"""Reads for the counter: finding any order a customer brings back."""

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from oscar.core.loading import get_model

from apps.order import statuses
from apps.order.selectors import phone_matches

from .models import CounterReturn

Line = get_model("order", "Line")
Order = get_model("order", "Order")


def return_matches(text: str) -> Q:
    """Orders by number, or by the customer's e-mail, phone or full name."""
    text = text.strip()
    matches = (
        Q(number=text)
        | Q(guest_email__iexact=text)
        | Q(user__email__iexact=text)
        | Q(pickup_name__iexact=text)
    )
    first, _, last = text.partition(" ")
    if last:  # "Shona Shopper": the account holder's full name
        matches |= Q(user__first_name__iexact=first, user__last_name__iexact=last.strip())
    return matches | phone_matches(text)


def returnable_orders() -> QuerySet:
    """Orders the customer has (collected, sold at a till, dispatched) with a unit of a line
    not yet brought back, newest first."""
    returned = (
        CounterReturn.objects.filter(line=OuterRef("pk"))
        .values("line")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    lines_to_return = Line.objects.filter(order=OuterRef("pk")).filter(
        quantity__gt=Coalesce(Subquery(returned), 0)
    )
    return (
        Order.objects.filter(status__in=statuses.RETURNABLE)
        .filter(Exists(lines_to_return))
        .prefetch_related("lines__counter_returns")
        .order_by("-date_placed")
    )


def orders_for_return(text: str) -> QuerySet:
    """Returnable orders (``returnable_orders``) matching ``return_matches``."""
    if not text.strip():
        return Order.objects.none()
    return returnable_orders().filter(return_matches(text)).distinct()
