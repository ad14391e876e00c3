"""What staff do in a store besides pickups: till sales, returns at the counter and shelf
counts, on the same stock rows as the web."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from oscar.apps.shipping.methods import NoShippingRequired
from oscar.core.loading import get_class, get_model

from apps.checkout.services import fill_basket
from apps.inventory import services as stock
from apps.order import statuses
from apps.pickup.models import PickupEvent
from apps.pickup.services import can_act_for, is_manager_of
from apps.profiles import phones
from apps.profiles.selectors import customers_matching
from apps.stores.models import Location

from .models import CounterReturn

logger = logging.getLogger(__name__)
Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderNumberGenerator = get_class("order.utils", "OrderNumberGenerator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")


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
    """Record a till sale: an order in the ``store`` channel, stock taken from the store's records.

    Never takes units promised to pickup orders (raises InsufficientStock, nothing is written).
    """
    if not can_act_for(by, location):
        raise PermissionDenied("You can only sell from your own store.")
    if not quantities:
        raise InstoreError("Scan at least one product.")
    basket = fill_basket(
        owner=customer,
        products=Product.objects.filter(pk__in=list(quantities)),
        quantities=quantities,
        location=location,
    )
    stock.sell_in_store(location=location, quantities=quantities, by=by)
    number = str(OrderNumberGenerator().order_number(basket))
    shipping = NoShippingRequired()
    charge = shipping.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, charge)
    order = OrderCreator().place_order(
        basket=basket,
        total=total,
        shipping_method=shipping,
        shipping_charge=charge,
        user=customer,
        order_number=number,
        status=statuses.COMPLETED,
        channel=Order.Channel.STORE,
        guest_email="" if customer else customer_email,
    )
    order.lines.update(num_allocated=0)
    basket.submit()
    PickupEvent.objects.create(
        order=order, kind=PickupEvent.Kind.SOLD, user=by, detail={"store": location.code}
    )
    return order


def returnable(line) -> int:
    returned = line.counter_returns.aggregate(n=Sum("quantity"))["n"] or 0
    return line.quantity - returned


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
    if order.status not in (statuses.COLLECTED, statuses.COMPLETED, statuses.DISPATCHED):
        raise InstoreError(
            f"Order {order.number} is {order.status}: only handed-over orders can be returned."
        )
    lines = {line.pk: line for line in order.lines.all()}
    refund = Decimal("0.00")
    back_on_sale, taken = {}, []
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
            back_on_sale[line.product_id] = back_on_sale.get(line.product_id, 0) + quantity
    if back_on_sale:
        stock.return_to_stock(
            location=location, quantities=back_on_sale, by=by, order=order, note=reason[:255]
        )
    ids = [item.pk for item in taken]
    transaction.on_commit(lambda: queue_return_receipt(ids))
    return refund


def queue_return_receipt(return_ids: list[int]) -> None:
    """Queue the customer's receipt for a return; a broker failure is logged, and the sweeper
    (pickup.tasks.send_pending_notifications) sends it later."""
    from .tasks import send_return_receipt

    try:
        send_return_receipt.delay(return_ids)
    except Exception:
        logger.exception("could not queue the receipt for counter returns %s", return_ids)


def count_shelf(*, location: Location, product_id: int, counted: int, by, note: str = "") -> None:
    """A store manager's shelf count: on hand set to what was counted, through the ledger."""
    if not is_manager_of(by, location):
        raise PermissionDenied("Only the store's managers record stock counts.")
    stock.count(location=location, counts={product_id: counted}, by=by, note=note or "shelf count")
