"""Pickup order transitions. Each is one transaction that locks the order, checks the state and
the staff member's store, moves stock through the ledger and records who did what and when.

placed -> picking -> ready for collection -> collected; short picks release part of a line;
cancelled / not collected release what is left. A call from the wrong state changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from apps.inventory import services as stock
from apps.order import pickup_codes, statuses
from apps.stores.models import StoreStaff

from .models import PickupEvent

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")
Kind = PickupEvent.Kind

#: Wrong pickup codes allowed per order in WRONG_CODE_WINDOW before handover is refused.
MAX_WRONG_CODES = 5
WRONG_CODE_WINDOW = dt.timedelta(minutes=15)
#: How long before the holding days end the shopper is reminded (once) to collect.
REMINDER_BEFORE = dt.timedelta(hours=24)


class PickupError(Exception):
    """A refused pickup action; nothing was changed (but a wrong code is remembered)."""


class WrongState(PickupError):
    pass


class WrongCode(PickupError):
    pass


class TooManyAttempts(PickupError):
    pass


def role_at(user, location) -> str | None:
    """What the user may do at a store: "merchandiser" (every store), "manager", "associate",
    or None (not theirs)."""
    if not user.is_authenticated:
        return None
    if user.is_superuser or user.has_perm("stores.change_location"):
        return "merchandiser"
    return (
        StoreStaff.objects.filter(user=user, location=location)
        .order_by("role")  # "associate" < "manager": a manager listed twice stays a manager
        .values_list("role", flat=True)
        .last()
    )


def can_act_for(user, location) -> bool:
    """Staff act for their own store; merchandisers (who may change stores) for every store."""
    return role_at(user, location) is not None


def lock_pickup_order(order_id: int, *, by) -> Order:
    """The pickup order, locked for this transaction; another store's order is refused."""
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("pickup_location")
        .get(pk=order_id, pickup_location__isnull=False)
    )
    if not can_act_for(by, order.pickup_location):
        raise PermissionDenied("This order belongs to another store.")
    return order


def _require(order: Order, *allowed: str) -> None:
    if order.status not in allowed:
        raise WrongState(
            f"Order {order.number} is {order.status}; this needs it to be {' or '.join(allowed)}."
        )


def _record(order: Order, *, by, kind: str, **fields) -> PickupEvent:
    """Write the event; the shopper's e-mail for it is queued once the transaction commits."""
    event = PickupEvent.objects.create(
        order=order,
        kind=kind,
        user=by if by is not None and by.is_authenticated else None,
        **fields,
    )
    if kind in PickupEvent.NOTIFY:
        transaction.on_commit(lambda: queue_notification(event.pk))
    return event


def queue_notification(event_id: int) -> None:
    """Queue the shopper's e-mail. A broker or mail failure is logged, never raised: the order
    change has already committed, and the sweeper (tasks.send_pending_notifications) retries."""
    from .tasks import notify_shopper

    try:
        notify_shopper.delay(event_id)
    except Exception:
        logger.exception("could not queue the notification for pickup event %s", event_id)


def _move(order: Order, status: str, *, by, kind: str, **event) -> None:
    order.set_status(status)
    _record(order, by=by, kind=kind, **event)


def _still_allocated(order: Order) -> dict:
    """product id -> units still promised to this order, and product id -> its line."""
    quantities, lines = {}, {}
    for line in order.lines.all():
        if line.num_allocated:
            quantities[line.product_id] = quantities.get(line.product_id, 0) + line.num_allocated
            lines[line.product_id] = line
    return quantities, lines


def _release_rest(order: Order, *, by, note: str) -> Decimal:
    """Give back everything still allocated; returns the refund owed for it."""
    quantities, lines = _still_allocated(order)
    if quantities:
        stock.release(
            location=order.pickup_location,
            quantities=quantities,
            by=by,
            order=order,
            order_lines=lines,
            note=note,
        )
    refund = Decimal("0.00")
    for line in order.lines.all():
        if line.num_allocated:
            refund += line.unit_price_incl_tax * line.num_allocated
            line.num_allocated = 0
            line.allocation_cancelled = True
            line.save(update_fields=["num_allocated", "allocation_cancelled"])
    return refund


@transaction.atomic
def start_picking(*, order: Order, by) -> Order:
    order = lock_pickup_order(order.pk, by=by)
    _require(order, statuses.PLACED)
    _move(order, statuses.PICKING, by=by, kind=Kind.PICKING_STARTED)
    return order


@transaction.atomic
def short_pick(*, order: Order, line, quantity: int, by, reason: str = "") -> Order:
    """Part of a line is missing or damaged: cancel those units, release them, owe a refund."""
    order = lock_pickup_order(order.pk, by=by)
    _require(order, statuses.PICKING)
    line = order.lines.select_for_update().get(pk=line.pk)
    if not 0 < quantity <= line.num_allocated:
        raise PickupError(
            f"Can short-pick 1 to {line.num_allocated} of {line.title}, not {quantity}."
        )
    stock.release(
        location=order.pickup_location,
        quantities={line.product_id: quantity},
        by=by,
        order=order,
        order_lines={line.product_id: line},
        note=f"short pick: {reason}"[:255],
    )
    line.num_allocated -= quantity
    line.allocation_cancelled = line.num_allocated == 0
    line.save(update_fields=["num_allocated", "allocation_cancelled"])
    _record(
        order,
        kind=Kind.SHORT_PICK,
        by=by,
        line=line,
        quantity=quantity,
        refund=line.unit_price_incl_tax * quantity,
        detail={"reason": reason},
    )
    if not any(line.num_allocated for line in order.lines.all()):
        _move(
            order,
            statuses.CANCELLED,
            by=by,
            kind=Kind.CANCELLED,
            detail={"reason": "nothing left to pick"},
        )
    return order


@transaction.atomic
def confirm_line(*, order: Order, line, by) -> Order:
    """The picker has the line's units in hand (fewer? short-pick the rest first)."""
    order = lock_pickup_order(order.pk, by=by)
    _require(order, statuses.PICKING)
    line = order.lines.get(pk=line.pk)
    if not line.num_allocated:
        raise PickupError(f"Nothing left to pick for {line.title}.")
    _record(order, by=by, kind=Kind.LINE_PICKED, line=line, quantity=line.num_allocated)
    return order


def unconfirmed_lines(order: Order) -> list:
    """Lines still to pick: no confirmation of their current quantity yet."""
    confirmed = {
        (line_id, quantity)
        for line_id, quantity in order.pickup_events.filter(kind=Kind.LINE_PICKED).values_list(
            "line_id", "quantity"
        )
    }
    return [
        line
        for line in order.lines.all()
        if line.num_allocated and (line.pk, line.num_allocated) not in confirmed
    ]


@transaction.atomic
def mark_ready(*, order: Order, by) -> Order:
    order = lock_pickup_order(order.pk, by=by)
    _require(order, statuses.PICKING)
    missing = unconfirmed_lines(order)
    if missing:
        raise PickupError(
            f"Confirm every line first: {', '.join(line.title for line in missing)} not picked yet."
        )
    _move(order, statuses.READY, by=by, kind=Kind.READY)
    return order


def hand_over(
    *, order: Order, by, code: str = "", id_checked: bool = False, collected_by: str = ""
) -> Order:
    """Give the order to the customer after checking their code (or their ID, recorded)."""
    with transaction.atomic():
        order = lock_pickup_order(order.pk, by=by)
        _require(order, statuses.READY)
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
            quantities, lines = _still_allocated(order)
            stock.hand_over(
                location=order.pickup_location,
                quantities=quantities,
                by=by,
                order=order,
                order_lines=lines,
            )
            order.lines.update(num_allocated=0)
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


@transaction.atomic
def announce_arrival(*, order: Order, by, note: str = "") -> Order:
    """The shopper says they are at the store ("I'm here", "parking bay 3"); staff see it at
    the top of the queue. Only for their own order, once it is ready; no change of state."""
    order = Order.objects.select_for_update(of=("self",)).get(
        pk=order.pk, pickup_location__isnull=False
    )
    if not by.is_authenticated or order.user_id != by.pk:
        raise PermissionDenied("This is not your order.")
    _require(order, statuses.READY)
    _record(order, by=by, kind=Kind.ARRIVED, detail={"note": note.strip()[:120]})
    return order


@transaction.atomic
def resend_ready(*, order: Order, by) -> Order:
    """Send the "ready for collection" message again, without any change of state."""
    order = lock_pickup_order(order.pk, by=by)
    _require(order, statuses.READY)
    _record(order, by=by, kind=Kind.READY_RESENT)
    return order


def collect_by(order: Order) -> dt.datetime | None:
    """When a ready order's holding days end (None if it was never made ready)."""
    ready_at = (
        order.pickup_events.filter(kind=Kind.READY).values_list("created_at", flat=True).last()
    )
    if ready_at is None:
        return None
    return ready_at + dt.timedelta(days=order.pickup_location.holding_days)


@transaction.atomic
def remind_to_collect(*, order: Order, now=None) -> Order:
    """Within a day of the holding days ending, remind the shopper once (no change of state)."""
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("pickup_location")
        .get(pk=order.pk, pickup_location__isnull=False)
    )
    _require(order, statuses.READY)
    due, now = collect_by(order), now or timezone.now()
    if due is None:
        raise WrongState(f"Order {order.number} has no recorded ready time.")
    if not due - REMINDER_BEFORE <= now < due:
        raise WrongState(f"Order {order.number} is not in its last day before {due:%d %b %H:%M}.")
    if order.pickup_events.filter(kind=Kind.REMINDED).exists():
        raise WrongState(f"The customer of order {order.number} was reminded already.")
    _record(order, by=None, kind=Kind.REMINDED, detail={"collect_by": due.isoformat()})
    return order


@transaction.atomic
def mark_not_collected(*, order: Order, by=None, now=None) -> Order:
    """The holding days are over: stock back on sale, refund owed."""
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("pickup_location")
        .get(pk=order.pk)
    )
    if by is not None and not can_act_for(by, order.pickup_location):
        raise PermissionDenied("This order belongs to another store.")
    _require(order, statuses.READY)
    due = collect_by(order)
    if due is None:
        raise WrongState(f"Order {order.number} has no recorded ready time.")
    if (now or timezone.now()) < due:
        raise WrongState(f"Order {order.number} waits for collection until {due:%d %b %H:%M}.")
    refund = _release_rest(order, by=by, note="not collected")
    _move(order, statuses.NOT_COLLECTED, by=by, kind=Kind.NOT_COLLECTED, refund=refund)
    return order


@transaction.atomic
def cancel(*, order: Order, by, reason: str = "") -> Order:
    order = lock_pickup_order(order.pk, by=by)
    _require(order, *statuses.OPEN_PICKUP)
    refund = _release_rest(order, by=by, note=f"cancelled: {reason}"[:255])
    _move(
        order,
        statuses.CANCELLED,
        by=by,
        kind=Kind.CANCELLED,
        refund=refund,
        detail={"reason": reason},
    )
    return order


#: Roles that may count the store's stock and see its reports.
MANAGER_ROLES = ("manager", "merchandiser")


def is_manager_of(user, location) -> bool:
    """Store managers (and merchandisers) may adjust the store's stock and see its figures."""
    return role_at(user, location) in MANAGER_ROLES


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
