"""What staff do in a store besides pickups: till sales, returns at the counter and shelf
counts, on the same stock rows as the web."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from oscar.core.loading import get_model

from apps.checkout.services import CheckoutRefused, sell_at_till
from apps.inventory import services as stock
from apps.order import statuses
from apps.profiles import phones
from apps.profiles.selectors import customers_matching
from apps.stores.models import Location
from apps.stores.selectors import can_act_for, is_manager_of

from .models import CounterReturn, TillSale
from .signals import return_taken

logger = logging.getLogger(__name__)
Order = get_model("order", "Order")

#: Orders the counter can take lines of back: handed over, sold at a till or delivered.


class InstoreError(Exception):
    """A refused sale or return; nothing was changed."""


def find_customer(text: str):
    """The account with this e-mail or phone; None for an e-mail without an account (a guest
    receipt). A phone must find exactly one account."""
    text = text.strip()
    if not text:
        return None
    matches = list(customers_matching(text).order_by("pk")[:2])
    if len(matches) > 1:
        raise InstoreError(f"More than one customer has {text}: ask for their e-mail instead.")
    if matches:
        return matches[0]
    if "@" in text:
        return None
    if phones.normalise(text):
        raise InstoreError(
            f"No customer has the phone {text}: try their e-mail, or leave it empty."
        )
    raise InstoreError(f"{text!r} is not an e-mail address or a phone number we recognise.")


def customer_for_sale(text: str) -> tuple:
    """What the till was told about the customer, as (the account the sale joins, the e-mail a
    guest's receipt goes to)."""
    text = text.strip()
    return find_customer(text), text if "@" in text else ""


@transaction.atomic
def sell(
    *, location: Location, quantities: dict[int, int], by, customer=None, customer_email: str = ""
) -> Order:
    """Record a till sale: an order in the ``store`` channel, stock taken from the store's records
    (never units promised to pickup orders: raises InsufficientStock, nothing is written)."""
    if not can_act_for(by, location):
        raise PermissionDenied("You can only sell from your own store.")
    if not quantities:
        raise InstoreError("Scan at least one product.")
    try:
        order = sell_at_till(
            location=location, quantities=quantities, by=by, customer=customer, email=customer_email
        )
    except CheckoutRefused as exc:
        raise InstoreError(str(exc)) from exc
    TillSale.objects.create(order=order, location=location, user=by)
    return order


def returnable(line) -> int:
    """Units of the line not yet brought back (reads prefetched returns when there are)."""
    return line.quantity - sum(item.quantity for item in line.counter_returns.all())


@transaction.atomic
def take_return(
    *,
    location: Location,
    order: Order,
    quantities: dict[int, int],
    by,
    damaged: bool = False,
    reason: str = "",
) -> Decimal:
    """Take back some lines of any order at this store's counter; returns the refund owed."""
    if not can_act_for(by, location):
        raise PermissionDenied("You can only take returns at your own store.")
    order = Order.objects.select_for_update(of=("self",)).get(pk=order.pk)
    if order.status not in statuses.RETURNABLE:
        raise InstoreError(
            f"Order {order.number} is {order.status}: only handed-over orders can be returned."
        )
    lines = {line.pk: line for line in order.lines.all()}
    refund = Decimal("0.00")
    taken = []
    for line_id, quantity in quantities.items():
        line = lines.get(line_id)
        if line is None or not 0 < quantity <= returnable(line):
            raise InstoreError(f"Line {line_id} cannot take a return of {quantity}.")
        amount = line.unit_price_incl_tax * quantity
        refund += amount
        taken.append(
            CounterReturn.objects.create(
                order=order,
                line=line,
                location=location,
                quantity=quantity,
                damaged=damaged,
                refund=amount,
                reason=reason,
                user=by,
            )
        )
    if not damaged:
        stock.return_to_stock(location=location, returns=taken, by=by)
    ids = [item.pk for item in taken]
    transaction.on_commit(lambda: announce_return(ids))
    return refund


def announce_return(return_ids: list[int]) -> None:
    """Tell the receivers (the customer's receipt) about committed returns; a receiver's
    failure is logged, and the notification sweeper sends the receipt later."""
    for receiver, result in return_taken.send_robust(sender=CounterReturn, return_ids=return_ids):
        if isinstance(result, Exception):
            logger.error(
                "returns %s: %s failed", return_ids, receiver, exc_info=(type(result), result, None)
            )


def count_shelf(*, location: Location, product_id: int, counted: int, by, note: str = "") -> None:
    """A store manager's shelf count: on hand set to what was counted, through the ledger."""
    if not is_manager_of(by, location):
        raise PermissionDenied("Only the store's managers record stock counts.")
    stock.count(location=location, counts={product_id: counted}, by=by, note=note or "shelf count")
