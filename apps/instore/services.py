"""What staff do in a store besides pickups: till sales, returns at the counter and shelf
counts, on the same stock rows as the web."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from oscar.apps.payment.exceptions import PaymentError
from oscar.core.loading import get_class, get_model
from oscar.templatetags.currency_filters import currency

from apps.checkout import order_payment
from apps.checkout.services import CheckoutRefused, TillPayment, sell_at_till
from apps.inventory import services as stock
from apps.order import statuses
from apps.profiles import cards, phones
from apps.profiles.selectors import customer_for_card, customers_matching
from apps.stores.models import Location
from apps.stores.selectors import can_act_for, is_manager_of

from .errors import InstoreError
from .models import CounterReturn, TillSale
from .selectors import (  # noqa: F401 (returnable: for the doors)
    customer_name,
    receipt_lines,
    recorded_sale,
    refund_quote,
    returnable,
)
from .signals import return_taken, till_sale_recorded

logger = logging.getLogger(__name__)
Order = get_model("order", "Order")
Dispatcher = get_class("communication.utils", "Dispatcher")

#: The most cash a till takes for one sale (a typo's extra zeros are refused, not change due).
MAX_CASH = Decimal("100000.00")


def find_customer(text: str):
    """The account with this e-mail or phone, or whose account card was scanned; None for an
    e-mail without an account (a guest receipt). A phone must find exactly one account."""
    text = text.strip()
    if not text:
        return None
    if cards.is_card(text):
        try:
            return customer_for_card(text)
        except cards.InvalidCard as exc:
            raise InstoreError(f"{exc} Ask for their e-mail or phone instead.") from exc
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
    customer = find_customer(text)
    return customer, text if "@" in text and customer is None else ""


@dataclass(frozen=True)
class Tender:
    """How the customer paid at the till: cash (what they handed over) or card (the payment
    terminal's reference)."""

    method: str
    amount: Decimal | None = None
    card_reference: str = ""

    @classmethod
    def parse(cls, *, method: str, amount: str = "", card_reference: str = "") -> Tender:
        """The tender as staff typed it; InstoreError saying what to fix."""
        method = (method or "").strip()
        if method == TillSale.Tender.CASH:
            return cls(method=method, amount=parse_money(amount))
        if method == TillSale.Tender.CARD:
            reference = " ".join((card_reference or "").split())
            if not reference:
                raise InstoreError("Card: type the reference the payment terminal printed.")
            if len(reference) > 64:
                raise InstoreError("Card: the terminal reference is at most 64 characters.")
            return cls(method=method, card_reference=reference)
        raise InstoreError("Choose how the customer paid: cash or card.")


def parse_money(text: str) -> Decimal:
    """``"20"`` or ``"£20.00"`` as Decimal("20.00"); InstoreError for anything else."""
    typed = (text or "").strip()
    cleaned = typed.replace("£", "").replace(",", "").strip()
    if not cleaned:
        raise InstoreError("Cash: enter the amount the customer handed over.")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise InstoreError(f"Cash: {typed!r} is not an amount of money.") from None
    if not amount.is_finite() or amount <= 0 or amount.as_tuple().exponent < -2:
        raise InstoreError(f"Cash: {typed!r} is not an amount of money.")
    if amount > MAX_CASH:
        raise InstoreError(f"Cash: {typed} is more than a till takes for one sale.")
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def sell(
    *,
    location: Location,
    quantities: dict[int, int],
    by,
    customer=None,
    customer_email: str = "",
    tender: Tender | None = None,
    sale_key: str | None = None,
) -> Order:
    """Record a till sale: an order in the ``store`` channel, stock taken from the store's records
    (never units promised to pickup orders: raises InsufficientStock, nothing is written), and
    how it was paid. Cash less than the order's total is refused, nothing written; the change
    due is recorded. A known customer (or a guest's e-mail) is sent the receipt after commit.

    ``sale_key`` names the sale on the till: asked again with it (Pay tapped twice) nothing more
    is recorded; the sale already made is returned, or, racing it, IntegrityError is raised."""
    if not can_act_for(by, location):
        raise PermissionDenied("You can only sell from your own store.")
    if sale_key:
        recorded = recorded_sale(location=location, sale_key=sale_key)
        if recorded is not None:
            return recorded
    if not quantities:
        raise InstoreError("Scan at least one product.")
    payment = TillPayment()
    if tender is not None:
        payment = TillPayment(name=f"Till {tender.method}", reference=tender.card_reference)
    try:
        order = sell_at_till(
            location=location,
            quantities=quantities,
            by=by,
            customer=customer,
            email=customer_email,
            payment=payment,
        )
    except CheckoutRefused as exc:
        raise InstoreError(str(exc)) from exc
    sale = TillSale(order=order, location=location, user=by, sale_key=sale_key or None)
    if tender is not None:
        sale.tender = tender.method
        sale.card_reference = tender.card_reference
        if tender.method == TillSale.Tender.CASH:
            total = order.total_incl_tax
            if tender.amount < total:
                # Raised inside the transaction: the order and its stock are undone with it.
                raise InstoreError(
                    f"Cash given {currency(tender.amount, order.currency)} is less than the total "
                    f"{currency(total, order.currency)}: "
                    f"{currency(total - tender.amount, order.currency)} more is needed."
                )
            sale.amount_tendered = tender.amount
            sale.change_given = tender.amount - total
    sale.receipt_email = customer.email if customer is not None else customer_email
    sale.save()
    if sale.receipt_email:
        transaction.on_commit(lambda: announce_sale(sale.pk))
    return order


def announce_sale(sale_id: int) -> None:
    """Tell the receivers (the e-mailed receipt) about a committed till sale; a receiver's
    failure is logged, never undoes the sale."""
    for receiver, result in till_sale_recorded.send_robust(sender=TillSale, sale_id=sale_id):
        if isinstance(result, Exception):
            logger.error(
                "till sale %s: %s failed", sale_id, receiver, exc_info=(type(result), result, None)
            )


def send_till_receipt(*, sale_id: int) -> bool:
    """E-mail the sale's receipt to its customer (or the guest's address), once: the row is
    locked while sending and marked sent in the same transaction; True if sent now."""
    with transaction.atomic():
        sale = (
            TillSale.objects.select_for_update(of=("self",))
            .select_related("order__user", "location", "user")
            .filter(pk=sale_id, receipt_sent_at__isnull=True)
            .first()
        )
        if sale is None or not sale.receipt_email:
            return False
        order = sale.order
        context = {
            "sale": sale,
            "order": order,
            "store": sale.location,
            "customer_name": customer_name(order),
            **receipt_lines(order),
        }
        messages = {
            "subject": " ".join(
                render_to_string("instore/receipt_email_subject.txt", context).split()
            ),
            "body": render_to_string("instore/receipt_email_body.txt", context),
            "html": render_to_string("instore/receipt_email_body.html", context),
            "sms": "",
        }
        if order.user_id and order.user.email.lower() == sale.receipt_email.lower():
            Dispatcher().dispatch_user_messages(order.user, messages)
        else:
            Dispatcher().dispatch_anonymous_messages(sale.receipt_email, messages)
        sale.receipt_sent_at = timezone.now()
        sale.save(update_fields=["receipt_sent_at"])
    return True


@transaction.atomic
def take_return(
    *,
    location: Location,
    order: Order,
    quantities: dict[int, int],
    by,
    damaged: bool = False,
    reason: str = "",
    returned_before: int | None = None,
) -> Decimal:
    """Take back some lines of any order at this store's counter; returns the refund owed.
    ``returned_before``: the units already back when staff reviewed the refund; if more have
    come back since (Confirm tapped twice), nothing is taken."""
    if not can_act_for(by, location):
        raise PermissionDenied("You can only take returns at your own store.")
    order = Order.objects.select_for_update(of=("self",)).get(pk=order.pk)
    if order.status not in statuses.RETURNABLE:
        raise InstoreError(
            f"Order {order.number} is {order.status}: only handed-over orders can be returned."
        )
    quote = refund_quote(order=order, quantities=quantities)
    if returned_before is not None and quote.returned_before != returned_before:
        raise InstoreError(
            f"Order {order.number} has had units brought back since this refund was reviewed "
            "(was it confirmed twice?): nothing more was taken. Check the order and review again."
        )
    taken = [
        CounterReturn.objects.create(
            order=order,
            line=item.line,
            location=location,
            quantity=item.quantity,
            damaged=damaged,
            refund=item.refund,
            reason=reason,
            user=by,
        )
        for item in quote.lines
    ]
    if not damaged:
        stock.return_to_stock(location=location, returns=taken, by=by)
    refund_online(order, quote)
    ids = [item.pk for item in taken]
    transaction.on_commit(lambda: announce_return(ids))
    return quote.total


def refund_online(order: Order, quote) -> None:
    """A card paid online is refunded through the gateway (a till payment is paid back at the
    till); a refusal or a gateway failure refuses the return, nothing taken back."""
    if not quote.total:
        return
    try:
        order_payment.refund(
            order=order,
            amount=quote.total,
            lines={item.line: item.quantity for item in quote.lines},
        )
    except PaymentError as exc:
        raise InstoreError(f"{str(exc).rstrip('.')}. Nothing was taken back.") from exc


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
