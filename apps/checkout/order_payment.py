"""An order's payment through its life, recorded with Oscar's own models: one payment
``Source`` per order (``amount_allocated`` when authorised, ``amount_debited`` when captured,
``amount_refunded``), its ``Transaction`` rows, and the order's ``PaymentEvent``s with the
line quantities each one covers.

- placed: the card is authorised ("Authorised"), nothing charged; or, for a collect order
  paid at the counter, nothing is taken online at all;
- handed over (collect) or dispatched (delivery): what leaves is captured ("Captured"), the
  rest of the authorisation released ("Voided", e.g. after a short pick); at the counter the
  till payment is recorded ("Settled");
- cancelled or not collected: the authorisation is voided ("Voided"): nothing charged;
- returned at a counter: the card is refunded ("Refunded").

Each step runs inside its caller's transaction, on the order its caller has locked, and asks
the gateway last: a gateway failure raises and nothing is recorded (the caller's change is
undone with it). A step the payment's state does not allow (capture twice, void after
capture) is refused with ``PaymentRefused`` before the gateway is asked.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from oscar.apps.payment.exceptions import GatewayError, PaymentError
from oscar.core.loading import get_model
from oscar.templatetags.currency_filters import currency as money

from apps.order import statuses

from .payment import PaymentGateway, gateway

Order = get_model("order", "Order")
PaymentEventType = get_model("order", "PaymentEventType")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
Transaction = get_model("payment", "Transaction")

AUTHORISED, CAPTURED, VOIDED, REFUNDED, SETTLED = (
    "Authorised",
    "Captured",
    "Voided",
    "Refunded",
    "Settled",
)
#: The source of a collect order the shopper pays for at the store's counter.
PAY_AT_COUNTER = "Pay at the counter"
#: Oscar's Transaction types, and ours for an authorisation released.
AUTHORISE, DEBIT, REFUND, VOID = (
    Transaction.AUTHORISE,
    Transaction.DEBIT,
    Transaction.REFUND,
    "Void",
)
CENT = Decimal("0.01")


class PaymentRefused(PaymentError):
    """A payment step the order's payment does not allow now (captured already, voided, more
    than was authorised); nothing was asked of the gateway and nothing recorded."""


# --- reading the payment ---------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentState:
    """Where an order's payment stands, for the console, the services and the tests."""

    source: Source | None
    at_counter: bool = False
    by_card: bool = False
    voided: bool = False

    @property
    def authorised(self) -> Decimal:
        return self.source.amount_allocated if self.source else Decimal("0.00")

    @property
    def captured(self) -> Decimal:
        return self.source.amount_debited if self.source else Decimal("0.00")

    @property
    def refunded(self) -> Decimal:
        return self.source.amount_refunded if self.source else Decimal("0.00")

    @property
    def is_captured(self) -> bool:
        return self.captured > 0

    @property
    def waiting_for_capture(self) -> bool:
        return self.by_card and not self.voided and not self.is_captured and self.authorised > 0

    @property
    def to_pay_at_counter(self) -> bool:
        return self.at_counter and not self.is_captured

    def summary(self, order) -> str:
        """One line for staff: "To pay at the counter: £20.00", "Card authorised: £20.00"."""
        cur = order.currency
        if self.source is None:
            return "No payment recorded"
        if self.to_pay_at_counter:
            return f"To pay at the counter: {money(amount_handed_over(order), cur)}"
        if self.at_counter:
            return f"Paid at the till: {money(self.captured, cur)} ({self.source.reference})"
        if not self.by_card:
            return f"Paid at the till: {money(self.captured, cur)}"
        if self.voided and not self.is_captured:
            return f"{self.source.source_type.name}: authorisation released, nothing charged"
        if self.waiting_for_capture:
            return (
                f"{self.source.source_type.name} authorised: {money(self.authorised, cur)}, "
                "charged when the order leaves"
            )
        refunded = f", {money(self.refunded, cur)} refunded" if self.refunded else ""
        return f"{self.source.source_type.name} charged: {money(self.captured, cur)}{refunded}"


def payment_state(order, *, lock: bool = False) -> PaymentState:
    """The order's payment (its one Source); ``lock`` takes the source's row for the
    transaction, so two steps on one payment run one after the other."""
    sources = Source.objects.filter(order=order).select_related("source_type").order_by("pk")
    if lock:
        sources = sources.select_for_update(of=("self",))
    source = sources.first()
    if source is None:
        return PaymentState(source=None)
    name = source.source_type.name
    at_counter = name == PAY_AT_COUNTER
    by_card = not at_counter and not name.startswith("Till")
    voided = source.transactions.filter(txn_type=VOID).exists()
    return PaymentState(source=source, at_counter=at_counter, by_card=by_card, voided=voided)


def for_shopper(order) -> str:
    """The payment in the shopper's words, for the thank-you page."""
    state = payment_state(order)
    cur, total = order.currency, order.total_incl_tax
    if state.source is None:
        return ""
    if state.to_pay_at_counter:
        return f"To pay at the counter when you collect: {money(total, cur)}. Nothing was taken online."
    if state.waiting_for_capture:
        when = "when you collect, only for what you take" if order.is_pickup else "when it is sent"
        return (
            f"{money(state.authorised, cur)} is held on your card ({state.source.source_type.name}"
            f"{', reference ' + state.source.reference if state.source.reference else ''}): "
            f"it is charged {when}."
        )
    return f"Paid {money(state.captured, cur)} by {state.source.source_type.name}."


def pays_on_collection(order) -> bool:
    """Is the shopper charged only for what they collect (a card authorised, or the counter)?
    False for an order charged in full when it was placed, before payments followed the pickup:
    what it does not hand over is refunded."""
    state = payment_state(order)
    return state.at_counter or order.payment_events.filter(event_type__name=AUTHORISED).exists()


def amount_handed_over(order) -> Decimal:
    """What the units still promised to the order cost: its total less the lines' units that
    were short-picked or cancelled (each at the price the shopper was told it refunds)."""
    missing = sum(
        (line.unit_price_incl_tax * (line.quantity - line.num_allocated))
        for line in order.lines.all()
    )
    return max(order.total_incl_tax - missing, Decimal("0.00")).quantize(CENT)


# --- the steps -------------------------------------------------------------------------------


def take_at_checkout(*, order, total, payment_method: str = "", at_counter: bool = False) -> Source:
    """When the order is placed: authorise the card for the total (a decline raises
    UnableToTakePayment, and the caller's transaction leaves no order), or, for a collect
    order paid at the counter, record that nothing is taken online."""
    if at_counter:
        return Source.objects.create(
            order=order,
            source_type=_source_type(PAY_AT_COUNTER),
            currency=total.currency,
            reference=f"TILL-{order.number}",
        )
    provider = gateway()
    authorisation = provider.authorize(
        order_number=order.number,
        amount=total.incl_tax,
        currency=total.currency,
        payment_method=payment_method,
    )
    source = Source.objects.create(
        order=order,
        source_type=_source_type(provider.name),
        currency=total.currency,
        reference=authorisation.reference,
        label=authorisation.label[:128],
    )
    source.allocate(total.incl_tax, reference=authorisation.reference, status="authorised")
    _event(order, AUTHORISED, total.incl_tax, authorisation.reference, _all_units(order))
    return source


def capture(*, order, amount: Decimal | None = None, lines: dict | None = None) -> Source:
    """Charge the card ``amount`` (the whole authorisation by default) for ``lines``
    ({line: units}; every unit by default) and release the rest of the authorisation. Once:
    a payment captured or voided already is refused (PaymentRefused), nothing charged."""
    state = payment_state(order, lock=True)
    source = _card_source(order, state, step="capture")
    if state.is_captured:
        raise PaymentRefused(
            f"The payment for order {order.number} was captured already "
            f"({money(state.captured, order.currency)}): nothing more was charged."
        )
    if state.voided:
        raise PaymentRefused(
            f"The payment for order {order.number} was voided: nothing can be charged."
        )
    amount = (state.authorised if amount is None else amount).quantize(CENT)
    if not 0 < amount <= state.authorised:
        raise PaymentRefused(
            f"Order {order.number} can be charged up to {money(state.authorised, order.currency)}"
            f", not {money(amount, order.currency)}."
        )
    lines = _all_units(order) if lines is None else lines
    provider = _provider_for(source)
    with _asking(order, "captured"):
        reference = provider.capture(
            reference=source.reference,
            amount=amount,
            currency=source.currency,
            key=f"omnishop-{order.number}-capture",
        )
    source.debit(amount, reference=reference, status="captured")
    _event(order, CAPTURED, amount, reference, lines)
    remainder = state.authorised - amount
    if remainder > 0:
        _released(order, source, remainder, _units_not_in(order, lines))
    return source


def void(*, order) -> Source | None:
    """Release the whole authorisation: the shopper is charged nothing. Refused once it is
    captured (refund instead); a payment voided already, or one taken at the counter or
    the till (nothing online to release), is left as it is."""
    state = payment_state(order, lock=True)
    if state.source is None or not state.by_card:
        return state.source
    if state.is_captured:
        raise PaymentRefused(
            f"The payment for order {order.number} was captured "
            f"({money(state.captured, order.currency)}): refund it instead; nothing was voided."
        )
    if state.voided:
        return state.source
    source = state.source
    provider = _provider_for(source)
    with _asking(order, "voided"):
        reference = provider.void(reference=source.reference, key=f"omnishop-{order.number}-void")
    _released(order, source, state.authorised, _all_units(order), reference=reference)
    return source


def call_off(*, order) -> Source | None:
    """An order cancelled or not collected: void its authorisation, so nothing is charged
    (an order charged in full when placed, before payments followed the pickup, is refunded)."""
    state = payment_state(order, lock=True)
    if state.by_card and state.is_captured:
        owed = state.captured - state.refunded
        return refund(order=order, amount=owed, lines=_all_units(order)) if owed > 0 else None
    return void(order=order)


def refund(*, order, amount: Decimal, lines: dict) -> Source | None:
    """Pay ``amount`` of a captured card payment back for ``lines`` ({line: units}), e.g. a
    return at a counter. A payment taken at a till or counter is paid back there (None, no
    gateway); more than is left to refund is refused."""
    state = payment_state(order, lock=True)
    if state.source is None or not state.by_card:
        return None
    source = state.source
    if not state.is_captured:
        raise PaymentRefused(
            f"The payment for order {order.number} has not been captured: nothing to refund."
        )
    amount = amount.quantize(CENT)
    left = source.amount_available_for_refund
    if not 0 < amount <= left:
        raise PaymentRefused(
            f"Order {order.number} can be refunded up to {money(left, order.currency)}, "
            f"not {money(amount, order.currency)}."
        )
    # The order and its source are locked: the count names this refund the same way on a retry.
    count = source.transactions.filter(txn_type=REFUND).count() + 1
    provider = _provider_for(source)
    with _asking(order, "refunded"):
        reference = provider.refund(
            reference=source.reference,
            amount=amount,
            currency=source.currency,
            key=f"omnishop-{order.number}-refund-{count}",
        )
    source.refund(amount, reference=reference, status="refunded")
    _event(order, REFUNDED, amount, reference, lines)
    return source


def take_at_handover(*, order, paid_at_till: bool = False, till_reference: str = "") -> None:
    """A collect order leaves the store: capture what is handed over (the rest released), or
    for an order paid at the counter record the till payment, without which it may not leave."""
    state = payment_state(order, lock=True)
    lines = {line: line.num_allocated for line in order.lines.all() if line.num_allocated}
    due = amount_handed_over(order)
    if state.to_pay_at_counter:
        if not paid_at_till:
            raise PaymentRefused(
                f"Order {order.number} is to pay at the counter: take "
                f"{money(due, order.currency)} at the till and record it, then hand it over."
            )
        settle_at_counter(order=order, amount=due, lines=lines, reference=till_reference)
        return
    if paid_at_till:
        raise PaymentRefused(f"Order {order.number} was paid online: take nothing at the till.")
    if state.waiting_for_capture:
        capture(order=order, amount=min(due, state.authorised), lines=lines)


def paid_at_till(*, order, total, source: str, reference: str) -> Source:
    """A till sale, paid in full at the till (``source``: how; ``reference``: the card
    terminal's): its source and a "Settled" event for every line."""
    paid = Source.objects.create(
        order=order,
        source_type=_source_type(source),
        currency=total.currency,
        amount_allocated=total.incl_tax,
        amount_debited=total.incl_tax,
        reference=reference,
    )
    _event(order, SETTLED, total.incl_tax, reference, _all_units(order))
    return paid


def settle_at_counter(*, order, amount: Decimal, lines: dict, reference: str = "") -> Source:
    """Record the till payment of an order to pay at the counter (card terminal reference
    optional): its source paid in full and a "Settled" event."""
    state = payment_state(order, lock=True)
    if not state.at_counter:
        raise PaymentRefused(f"Order {order.number} is not to pay at the counter.")
    if state.is_captured:
        raise PaymentRefused(f"Order {order.number} was paid at the till already.")
    source = state.source
    reference = " ".join(reference.split())[:64] or f"TILL-{order.number}"
    source.reference = reference
    source.save(update_fields=["reference"])
    source.allocate(amount, reference=reference, status="at the counter")
    source.debit(amount, reference=reference, status="paid at the till")
    _event(order, SETTLED, amount, reference, lines)
    return source


@transaction.atomic
def dispatch(*, order, by=None) -> Order:
    """A delivery order leaves the warehouse: its card payment is captured in full and the
    order marked Dispatched, together (a gateway failure changes neither)."""
    order = Order.objects.select_for_update(of=("self",)).get(pk=order.pk)
    if order.is_moved_by_console:
        raise PaymentRefused(f"Order {order.number} is not a delivery order.")
    if statuses.DISPATCHED not in order.available_statuses():
        raise PaymentRefused(f"Order {order.number} is {order.status}: it cannot be dispatched.")
    if payment_state(order, lock=True).waiting_for_capture:
        capture(order=order)
    order.set_status(statuses.DISPATCHED)
    return order


# --- recording -------------------------------------------------------------------------------


def _source_type(name: str):
    return SourceType.objects.get_or_create(name=name)[0]


def _card_source(order, state: PaymentState, *, step: str):
    if state.source is None or not state.by_card:
        raise PaymentRefused(
            f"Order {order.number} was not paid by card online: there is nothing to {step}."
        )
    return state.source


def _provider_for(source) -> PaymentGateway:
    """The configured gateway, if it is the one that authorised this payment."""
    provider = gateway()
    if provider.name != source.source_type.name:
        raise PaymentRefused(
            f"This payment was taken by {source.source_type.name}, but the shop's gateway is "
            f"now {provider.name}: settle it with {source.source_type.name}."
        )
    return provider


@contextmanager
def _asking(order, done: str):
    """A gateway's failure, saying which order's payment and which step."""
    try:
        yield
    except GatewayError as exc:
        reason = str(exc).rstrip(".")
        raise GatewayError(
            f"The card payment of order {order.number} could not be {done} ({reason})."
        ) from exc


def _released(order, source, amount: Decimal, lines: dict, reference: str = "") -> None:
    """The part of an authorisation that will never be charged: off the source, a "Void"
    transaction and a "Voided" event for the units it was for."""
    source.amount_allocated -= amount
    source.save(update_fields=["amount_allocated"])
    reference = reference or source.reference
    source.transactions.create(txn_type=VOID, amount=amount, reference=reference, status="released")
    _event(order, VOIDED, amount, reference, lines)


def _all_units(order) -> dict:
    return {line: line.quantity for line in order.lines.all()}


def _units_not_in(order, lines: dict) -> dict:
    """Each line's units that ``lines`` leaves out (short-picked or cancelled)."""
    taken = {line.pk: units for line, units in lines.items()}
    left = {line: line.quantity - taken.get(line.pk, 0) for line in order.lines.all()}
    return {line: units for line, units in left.items() if units > 0}


def _event(order, name: str, amount: Decimal, reference: str, lines: dict) -> None:
    event_type = PaymentEventType.objects.get_or_create(name=name)[0]
    event = order.payment_events.create(
        event_type=event_type, amount=amount, reference=reference[:128]
    )
    for line, units in lines.items():
        if units:
            event.line_quantities.create(line=line, quantity=units)
