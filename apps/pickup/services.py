"""Pickup order transitions. Each is one transaction that locks the order, checks that the
action is open in its state (``statuses.PICKUP_ACTIONS``) and the staff member's store, moves
stock through the ledger and records who did what and when.

placed -> picking -> ready for collection -> collected; short picks release part of a line;
cancelled / not collected release what is left. A call from the wrong state changes nothing.
The shopper's messages follow from ``signals.event_recorded``, sent once the change commits.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from oscar.apps.payment.exceptions import PaymentError
from oscar.core.loading import get_model

from apps.checkout import order_payment
from apps.inventory import services as stock
from apps.order import pickup_codes, statuses
from apps.routing import services as routing
from apps.stores.selectors import can_act_for

from . import reasons
from .models import PickupEvent
from .selectors import (
    SHOPPER_CANCELLABLE,
    collect_by,
    extension_refused,
    refund_due,
    reminded_for_now,
    unconfirmed_lines,
)
from .signals import event_recorded

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")
Kind = PickupEvent.Kind

#: Wrong pickup codes allowed per order in WRONG_CODE_WINDOW before handover is refused.
MAX_WRONG_CODES = 5
WRONG_CODE_WINDOW = dt.timedelta(minutes=15)
#: How long before the holding days end the shopper is reminded (once) to collect.
REMINDER_BEFORE = dt.timedelta(hours=24)
#: The longest note a shopper can leave with "I'm here" ("parking bay 3, blue Fiat").
ARRIVAL_NOTE_MAX = 120


class PickupError(Exception):
    """A refused pickup action; nothing was changed (but a wrong code is remembered)."""


def why(action: str, reason: str, note: str, *, required: bool = False) -> dict:
    """The event's reason detail (``reasons.detail``); a refused reason is a PickupError."""
    try:
        return reasons.detail(action, reason, note, required=required)
    except reasons.ReasonRefused as exc:
        raise PickupError(str(exc)) from exc


class WrongState(PickupError):
    pass


class WrongCode(PickupError):
    pass


class TooManyAttempts(PickupError):
    pass


class PaymentFailed(PickupError):
    """The order's payment step (capture, void, the till payment) was refused or failed:
    the transition is refused with it, nothing changed."""


def settle_payment(step, **params) -> None:
    """Run an ``order_payment`` step inside the transition; its refusal refuses the transition."""
    try:
        step(**params)
    except PaymentError as exc:
        raise PaymentFailed(f"{str(exc).rstrip('.')}. Nothing was changed.") from exc


def lock_pickup_order(order_id: int, *, by=None) -> Order:
    """The pickup order, locked for this transaction; another store's order is refused
    (``by=None``: the shop's own clock, e.g. the not-collected sweep), and so is an order
    that is not a pickup (a till sale has no pickup steps)."""
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("pickup_location")
        .get(pk=order_id)
    )
    if order.pickup_location is None:
        raise WrongState(f"Order {order.number} is not a click-and-collect order.")
    if by is not None and not can_act_for(by, order.pickup_location):
        raise PermissionDenied("This order belongs to another store.")
    return order


def require(order: Order, action: str) -> None:
    """Refuse (WrongState) an action that is not open in the order's state."""
    allowed = statuses.PICKUP_ACTIONS[action]
    if order.status not in allowed:
        raise WrongState(
            f"Order {order.number} is {order.status}; this needs it to be {' or '.join(allowed)}."
        )


def _record(order: Order, *, by, kind: str, **fields) -> PickupEvent:
    """Write the event; once the transaction commits, ``event_recorded`` is sent for the
    events the shopper is told about."""
    event = PickupEvent.objects.create(
        order=order,
        kind=kind,
        user=by if by is not None and by.is_authenticated else None,
        **fields,
    )
    if kind in PickupEvent.NOTIFY:
        transaction.on_commit(lambda: announce(event.pk))
    return event


def announce(event_id: int) -> None:
    """Tell the receivers about a committed event. A receiver's failure (a broker down) is
    logged, never raised: the change has committed, and the notification sweeper retries."""
    for receiver, result in event_recorded.send_robust(sender=PickupEvent, event_id=event_id):
        if isinstance(result, Exception):
            logger.error(
                "event %s: %s failed", event_id, receiver, exc_info=(type(result), result, None)
            )


def _move(order: Order, status: str, *, by, kind: str, **event) -> None:
    order.set_status(status)
    _record(order, by=by, kind=kind, **event)


@transaction.atomic
def start_picking(*, order: Order, by) -> Order:
    order = lock_pickup_order(order.pk, by=by)
    require(order, "start-picking")
    _move(order, statuses.PICKING, by=by, kind=Kind.PICKING_STARTED)
    return order


@transaction.atomic
def short_pick(
    *,
    order: Order,
    line,
    quantity: int,
    by,
    reason: str = "",
    note: str = "",
    keep_open: bool = False,
) -> Order:
    """Part of a line is missing or damaged: cancel those units, release them, owe a refund.
    ``reason`` is a code of ``reasons.SHORT_PICK`` (or free text), ``note`` says more.
    ``keep_open``: a substitute is offered (``substitutions``), so an order with nothing else
    left waits for the shopper's answer instead of being cancelled."""
    detail = why("short-pick", reason, note)
    order = lock_pickup_order(order.pk, by=by)
    require(order, "short-pick")
    line = order.lines.select_for_update().get(pk=line.pk)
    if not 0 < quantity <= line.num_allocated:
        raise PickupError(
            f"Can short-pick 1 to {line.num_allocated} of {line.title}, not {quantity}."
        )
    stock.release_lines(
        order=order,
        location=order.pickup_location,
        lines={line: quantity},
        by=by,
        note=f"short pick: {reasons.summary(detail)}".rstrip(": "),
    )
    _record(
        order,
        kind=Kind.SHORT_PICK,
        by=by,
        line=line,
        quantity=quantity,
        refund=line.unit_price_incl_tax * quantity,
        detail=detail,
    )
    if not keep_open and not any(line.num_allocated for line in order.lines.all()):
        settle_payment(order_payment.call_off, order=order)
        _move(
            order,
            statuses.CANCELLED,
            by=by,
            kind=Kind.CANCELLED,
            detail=reasons.NOTHING_LEFT,
        )
    return order


def units_lost_on_the_way(sender, *, order: Order, missing: dict, transfer, by=None, **kwargs):
    """Units a shipped-to-store order waited for did not arrive (routing's ``units_lost``,
    inside the receipt): recorded as short picks, so the shopper is told and not charged for
    them; an order left with nothing to pick is cancelled, its card hold released."""
    note = f"Did not arrive with transfer {transfer.number}"
    for line, units in missing.items():
        _record(
            order,
            kind=Kind.SHORT_PICK,
            by=by,
            line=line,
            quantity=units,
            refund=line.unit_price_incl_tax * units,
            detail=why("short-pick", reasons.OTHER, note),
        )
    if not any(line.num_allocated for line in order.lines.all()):
        settle_payment(order_payment.call_off, order=order)
        _move(order, statuses.CANCELLED, by=by, kind=Kind.CANCELLED, detail=reasons.NOTHING_LEFT)


@transaction.atomic
def confirm_line(*, order: Order, line, by) -> Order:
    """The picker has the line's units in hand (fewer? short-pick the rest first)."""
    order = lock_pickup_order(order.pk, by=by)
    require(order, "picked")
    line = order.lines.get(pk=line.pk)
    if not line.num_allocated:
        raise PickupError(f"Nothing left to pick for {line.title}.")
    _record(order, by=by, kind=Kind.LINE_PICKED, line=line, quantity=line.num_allocated)
    return order


@transaction.atomic
def mark_ready(*, order: Order, by) -> Order:
    order = lock_pickup_order(order.pk, by=by)
    require(order, "ready")
    from .substitutions import refuse_ready_while_waiting  # it builds on this module

    refuse_ready_while_waiting(order)
    missing = unconfirmed_lines(order)
    if missing:
        raise PickupError(
            f"Confirm every line first: {', '.join(line.title for line in missing)} not picked yet."
        )
    _move(order, statuses.READY, by=by, kind=Kind.READY)
    return order


def hand_over(
    *,
    order: Order,
    by,
    code: str = "",
    id_checked: bool = False,
    collected_by: str = "",
    paid_at_till: bool = False,
    till_reference: str = "",
) -> Order:
    """Give the order to the customer after checking their code (or their ID, recorded). Its
    card payment is captured for what leaves; an order to pay at the counter needs the till
    payment recorded (``paid_at_till``, the terminal's reference optional). A payment that
    fails refuses the handover (PaymentFailed), nothing changed."""
    with transaction.atomic():
        order = lock_pickup_order(order.pk, by=by)
        require(order, "hand-over")
        if not id_checked:
            since = timezone.now() - WRONG_CODE_WINDOW
            wrong = order.pickup_events.filter(kind=Kind.WRONG_CODE, created_at__gte=since).count()
            if wrong >= MAX_WRONG_CODES:
                raise TooManyAttempts(
                    f"{wrong} wrong codes for order {order.number} in the last 15 minutes: check the customer's ID instead."
                )
            if pickup_codes.normalise(code) != order.pickup_code:
                PickupEvent.objects.create(
                    order=order, kind=Kind.WRONG_CODE, user=by, detail={"typed": code[:32]}
                )
                wrong_code = True
            else:
                wrong_code = False
        else:
            wrong_code = False
        if not wrong_code:
            settle_payment(
                order_payment.take_at_handover,
                order=order,
                paid_at_till=paid_at_till,
                till_reference=till_reference,
            )
            stock.hand_over_order(order=order, location=order.pickup_location, by=by)
            _move(
                order,
                statuses.COLLECTED,
                by=by,
                kind=Kind.HANDED_OVER,
                detail={
                    "collected_by": collected_by,
                    "id_checked": id_checked,
                    "code_checked": not id_checked,
                },
            )
    if wrong_code:  # raised after the commit, so the attempt is remembered for the rate limit
        raise WrongCode("That is not this order's pickup code.")
    return order


def require_shopper(order: Order, *, by, verification_hash: str = "") -> None:
    """Refuse (PermissionDenied) anyone but the order's shopper: its signed-in owner, or for a
    guest's order whoever opened its page by the signed link (Oscar's verification hash)."""
    if order.user_id is not None:
        if by is None or not by.is_authenticated or order.user_id != by.pk:
            raise PermissionDenied("This is not your order.")
    elif not verification_hash or not order.check_verification_hash(verification_hash):
        raise PermissionDenied("This is not your order.")


@transaction.atomic
def announce_arrival(*, order: Order, by, note: str = "", verification_hash: str = "") -> Order:
    """The shopper says they are at the store ("I'm here", "parking bay 3"); staff see it at
    the top of the queue. Only for their own order, once it is ready; no change of state."""
    order = Order.objects.select_for_update(of=("self",)).get(pk=order.pk)
    require_shopper(order, by=by, verification_hash=verification_hash)
    if order.pickup_location is None:
        raise WrongState(f"Order {order.number} is not a click-and-collect order.")
    require(order, "arrived")
    _record(order, by=by, kind=Kind.ARRIVED, detail={"note": note.strip()[:ARRIVAL_NOTE_MAX]})
    return order


@transaction.atomic
def cancel_by_shopper(*, order: Order, by, verification_hash: str = "") -> Order:
    """The shopper calls their order off before the store starts picking it: stock back on
    sale, refund recorded, the shopper's message sent, the order gone from the store's queue.
    Once picking has started only the store can cancel (WrongState)."""
    order = Order.objects.select_for_update(of=("self",)).get(pk=order.pk)
    require_shopper(order, by=by, verification_hash=verification_hash)
    if order.pickup_location is None:
        raise WrongState(f"Order {order.number} is not a click-and-collect order.")
    if order.status not in SHOPPER_CANCELLABLE:
        raise WrongState(
            f"Order {order.number} is {order.status}: the store has started on it, so it can "
            "no longer be cancelled here. Please ask the store."
        )
    return _cancel(
        order,
        by=by,
        stock_by=by if by is not None and by.is_authenticated else None,
        note="cancelled by the shopper",
        detail={**reasons.BY_SHOPPER, "by_shopper": True},
    )


@transaction.atomic
def extend_hold(*, order: Order, by=None, verification_hash: str = "", now=None) -> Order:
    """The shopper asks the store to keep their ready order longer, once: its collect-by time
    moves on by ``PICKUP_HOLD_EXTENSION_DAYS`` and a reminder is due again before the new end.
    Refused (WrongState) when not ready, extended already or past its collect-by time."""
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("pickup_location")
        .get(pk=order.pk)
    )
    require_shopper(order, by=by, verification_hash=verification_hash)
    if order.pickup_location is None:
        raise WrongState(f"Order {order.number} is not a click-and-collect order.")
    now = now or timezone.now()
    due = collect_by(order) if order.status == statuses.READY else None
    refused = extension_refused(order, due=due, now=now)
    if refused:
        raise WrongState(refused)
    days = settings.PICKUP_HOLD_EXTENSION_DAYS
    order.hold_extended_at, order.hold_extension_days = now, days
    order.save(update_fields=["hold_extended_at", "hold_extension_days"])
    new_due = due + dt.timedelta(days=days)
    _record(
        order,
        by=by,
        kind=Kind.HOLD_EXTENDED,
        created_at=now,
        detail={"days": days, "collect_by": new_due.isoformat()},
    )
    return order


@transaction.atomic
def resend_ready(*, order: Order, by) -> Order:
    """Send the "ready for collection" message again, without any change of state."""
    order = lock_pickup_order(order.pk, by=by)
    require(order, "resend-ready")
    _record(order, by=by, kind=Kind.READY_RESENT)
    return order


@transaction.atomic
def remind_to_collect(*, order: Order, now=None) -> Order:
    """Within a day of the holding days ending, remind the shopper once (no change of state)."""
    order = lock_pickup_order(order.pk)
    require(order, "remind")
    due, now = collect_by(order), now or timezone.now()
    if due is None:
        raise WrongState(f"Order {order.number} has no recorded ready time.")
    if not due - REMINDER_BEFORE <= now < due:
        raise WrongState(f"Order {order.number} is not in its last day before {due:%d %b %H:%M}.")
    reminded_at = (
        order.pickup_events.filter(kind=Kind.REMINDED).values_list("created_at", flat=True).last()
    )
    if reminded_for_now(order, reminded_at):
        raise WrongState(f"The customer of order {order.number} was reminded already.")
    _record(order, by=None, kind=Kind.REMINDED, detail={"collect_by": due.isoformat()})
    return order


@transaction.atomic
def mark_not_collected(
    *, order: Order, by=None, now=None, reason: str = "", note: str = ""
) -> Order:
    """The holding days are over: stock back on sale, refund owed. Staff say why
    (``reasons.NOT_COLLECTED``); the hourly sweep (no ``by``) records the holding days over."""
    detail = why("not-collected", reason, note) if by is not None else reasons.HOLDING_OVER
    order = lock_pickup_order(order.pk, by=by)
    require(order, "not-collected")
    due = collect_by(order)
    if due is None:
        raise WrongState(f"Order {order.number} has no recorded ready time.")
    if (now or timezone.now()) < due:
        raise WrongState(f"Order {order.number} waits for collection until {due:%d %b %H:%M}.")
    refund = refund_due(order)
    settle_payment(order_payment.call_off, order=order)
    stock.release_order(
        order=order,
        location=order.pickup_location,
        by=by,
        note=f"not collected: {reasons.summary(detail)}".rstrip(": "),
    )
    _move(
        order, statuses.NOT_COLLECTED, by=by, kind=Kind.NOT_COLLECTED, refund=refund, detail=detail
    )
    return order


@transaction.atomic
def cancel(*, order: Order, by, reason: str = "", note: str = "") -> Order:
    """Staff call the order off, saying why (``reasons.CANCEL``)."""
    detail = why("cancel", reason, note)
    order = lock_pickup_order(order.pk, by=by)
    require(order, "cancel")
    summary = reasons.summary(detail)
    return _cancel(
        order, by=by, stock_by=by, note=f"cancelled: {summary}".rstrip(": "), detail=detail
    )


def _cancel(order: Order, *, by, stock_by, note: str, detail: dict) -> Order:
    """Call a locked order off: its stock back on sale, the refund recorded with the event."""
    refund = refund_due(order)
    settle_payment(order_payment.call_off, order=order)
    if order.status == statuses.AWAITING_TRANSFER:  # its units are still on their way
        routing.cancel_waiting(order=order, by=stock_by, note=note)
    else:
        stock.release_order(order=order, location=order.pickup_location, by=stock_by, note=note)
    _move(order, statuses.CANCELLED, by=by, kind=Kind.CANCELLED, refund=refund, detail=detail)
    return order


def start_picking_wave(*, orders, by) -> tuple[list, list]:
    """Start picking several orders one by one: an order a colleague moved meanwhile is
    skipped (its own step undone), the others still start. Returns (started, skipped) numbers."""
    started, skipped = [], []
    for order in orders:
        try:
            start_picking(order=order, by=by)
        except WrongState:
            skipped.append(order.number)
        else:
            started.append(order.number)
    return started, skipped


#: The staff's actions (``statuses.STAFF_ACTIONS``) and the transition each one runs; the
#: console and the API both act through ``act``.
TRANSITIONS = {
    "start-picking": start_picking,
    "picked": confirm_line,
    "short-pick": short_pick,
    "ready": mark_ready,
    "hand-over": hand_over,
    "resend-ready": resend_ready,
    "not-collected": mark_not_collected,
    "cancel": cancel,
}


def act(action: str, *, order: Order, by, **params) -> Order:
    """Run one of the staff's actions on a pickup order, with its own parameters (``line``,
    ``quantity``, ``reason``, ``code``, ``id_checked``, ``collected_by``)."""
    if action not in TRANSITIONS:
        raise PickupError(f"There is no action {action!r}.")
    return TRANSITIONS[action](order=order, by=by, **params)
