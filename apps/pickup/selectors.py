"""Reads of pickup orders: a store's queue, finding an order, what is left to pick, when it
must be collected by, and everything that happened to an order in a store."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import DateTimeField, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from oscar.core.loading import get_model

from apps.order import pickup_codes, statuses
from apps.order.selectors import phone_matches
from apps.stores.models import Location

from . import reasons
from .models import PickupEvent, Substitution

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
OPEN = statuses.OPEN_PICKUP


def unconfirmed_lines(order) -> list:
    """Lines still to pick: no confirmation of their current quantity yet."""
    confirmed = set(
        order.pickup_events.filter(kind=PickupEvent.Kind.LINE_PICKED).values_list(
            "line_id", "quantity"
        )
    )
    return [
        line
        for line in order.lines.all()
        if line.num_allocated and (line.pk, line.num_allocated) not in confirmed
    ]


def collect_by(order) -> dt.datetime | None:
    """When a ready order's holding days end (None if it was never made ready)."""
    ready_at = (
        order.pickup_events.filter(kind=PickupEvent.Kind.READY)
        .values_list("created_at", flat=True)
        .last()
    )
    if ready_at is None:
        return None
    return hold_ends(order, ready_at)


def hold_ends(order, ready_at: dt.datetime) -> dt.datetime:
    """The end of the store's holding days after ``ready_at``, and of any the shopper added."""
    return ready_at + dt.timedelta(
        days=order.pickup_location.holding_days + order.hold_extension_days
    )


def extension_refused(order, *, due: dt.datetime | None, now: dt.datetime) -> str:
    """Why the shopper may not keep this order longer now ("" if they may): only a ready
    order, once, before its collect-by time ``due``."""
    if settings.PICKUP_HOLD_EXTENSION_DAYS < 1:
        return "This shop does not keep orders longer than the store's holding days."
    if order.status not in statuses.PICKUP_ACTIONS["extend"] or due is None:
        return f"Order {order.number} is {order.status}: only a ready order can be kept longer."
    if order.hold_extended_at is not None:
        return (
            f"Order {order.number} was kept {order.hold_extension_days} more days already: "
            "a hold can be extended only once."
        )
    if now >= due:
        return f"Order {order.number} was due to be collected by {due:%d %b %H:%M}: too late to keep it longer."
    return ""


#: The states in which a shopper may still cancel their own pickup order: before the store
#: starts picking it (after that, only the store can; ``statuses.PICKUP_ACTIONS["cancel"]``).
SHOPPER_CANCELLABLE = (statuses.AWAITING_TRANSFER, statuses.PLACED)

#: What the shopper is told of each event; the others (a wrong code typed at the counter, a
#: line confirmed by the picker) are the store's own business.
SHOPPER_LABELS = {
    PickupEvent.Kind.PICKING_STARTED: "The store started picking your order",
    PickupEvent.Kind.SHORT_PICK: "Not available",
    PickupEvent.Kind.READY: "Ready for collection",
    PickupEvent.Kind.READY_RESENT: "We sent the ready message again",
    PickupEvent.Kind.REMINDED: "Reminded to collect",
    PickupEvent.Kind.HOLD_EXTENDED: "You asked the store to keep it longer",
    PickupEvent.Kind.ARRIVED: "You told the store you were here",
    PickupEvent.Kind.HANDED_OVER: "Collected",
    PickupEvent.Kind.NOT_COLLECTED: "Not collected: back on sale",
    PickupEvent.Kind.CANCELLED: "Cancelled",
    PickupEvent.Kind.SUB_OFFERED: "The store offered a substitute",
    PickupEvent.Kind.SUB_ACCEPTED: "You accepted the substitute",
    PickupEvent.Kind.SUB_DECLINED: "You declined the substitute: not supplied",
    PickupEvent.Kind.SUB_EXPIRED: "No answer in time: not supplied",
    PickupEvent.Kind.SUB_WITHDRAWN: "Substitute withdrawn: not supplied",
}
#: Substitution events: what they say of the missing item and the substitute.
_SUBSTITUTION_KINDS = {
    PickupEvent.Kind.SUB_OFFERED,
    PickupEvent.Kind.SUB_ACCEPTED,
    PickupEvent.Kind.SUB_DECLINED,
    PickupEvent.Kind.SUB_EXPIRED,
    PickupEvent.Kind.SUB_WITHDRAWN,
}


@dataclass(frozen=True)
class ShopperStep:
    """One line of the shopper's timeline."""

    at: dt.datetime
    kind: str
    label: str
    detail: str = ""


@dataclass(frozen=True)
class CollectPanel:
    """What a shopper sees of their pickup order: where, which code, until when, what
    happened so far, and what they may still do (say they are here, cancel)."""

    store: Location
    status: str
    pickup_code: str  # "" once the code no longer opens a handover
    ready_by: dt.datetime | None
    collect_by: dt.datetime | None
    timeline: list
    arrived_at: dt.datetime | None
    arrival_note: str
    can_arrive: bool
    can_cancel: bool
    can_extend: bool = False  # keep it longer (once): the button shows
    hold_extended: bool = False  # kept longer already (no second time)
    extension_days: int = 0  # the days the button adds, or were added


def _shopper_detail(event: PickupEvent) -> str:
    if event.kind == PickupEvent.Kind.SHORT_PICK:
        title = event.line.title if event.line else "an item"
        return f"{event.quantity} × {title}, £{event.refund} to be refunded"
    if event.kind == PickupEvent.Kind.ARRIVED:
        return event.detail.get("note", "")
    if event.kind in _SUBSTITUTION_KINDS:
        product = event.detail.get("product", "")
        if event.kind == PickupEvent.Kind.SUB_OFFERED:
            return f"{event.quantity} × {product} instead of {event.line.title if event.line else 'an item'}"
        if event.kind == PickupEvent.Kind.SUB_ACCEPTED:
            return f"{event.quantity} × {product}"
        title = event.line.title if event.line else "an item"
        return f"{event.quantity} × {title}, you will not pay for it"
    if event.kind == PickupEvent.Kind.HOLD_EXTENDED:
        days = event.detail.get("days", 0)
        return f"{days} more day{'s' if days != 1 else ''}"
    if event.kind in (PickupEvent.Kind.CANCELLED, PickupEvent.Kind.NOT_COLLECTED):
        reason = reasons.for_shopper(event.detail)
        refund = f"£{event.refund} to be refunded" if event.refund else ""
        return ", ".join(part for part in (reason, refund) if part)
    return ""


def collect_panel(order) -> CollectPanel | None:
    """The shopper's view of a pickup order (None for other orders), in one query of its
    events; its collect-by time is ``collect_by``'s, read from the same events."""
    store = order.pickup_location
    if store is None:
        return None
    events = list(order.pickup_events.select_related("line").order_by("created_at", "pk"))
    timeline = [ShopperStep(order.date_placed, "placed", "Order placed")]
    ready_at = arrival = None
    for event in events:
        if event.kind == PickupEvent.Kind.READY:
            ready_at = event.created_at
        if event.kind == PickupEvent.Kind.ARRIVED:
            arrival = event
        if event.kind in SHOPPER_LABELS:
            timeline.append(
                ShopperStep(
                    event.created_at,
                    event.kind,
                    str(SHOPPER_LABELS[event.kind]),
                    _shopper_detail(event),
                )
            )
    ready = order.status == statuses.READY
    due = hold_ends(order, ready_at) if ready and ready_at else None
    extended = order.hold_extended_at is not None
    return CollectPanel(
        store=store,
        status=order.status,
        pickup_code=pickup_codes.display(order.pickup_code) if order.pickup_code_is_live else "",
        ready_by=order.ready_by
        if order.status in (statuses.AWAITING_TRANSFER, statuses.PLACED, statuses.PICKING)
        else None,
        collect_by=due,
        timeline=timeline,
        arrived_at=arrival.created_at if ready and arrival else None,
        arrival_note=arrival.detail.get("note", "") if ready and arrival else "",
        can_arrive=ready and arrival is None,
        can_cancel=order.status in SHOPPER_CANCELLABLE,
        can_extend=not extension_refused(order, due=due, now=timezone.now()),
        hold_extended=extended,
        extension_days=(
            order.hold_extension_days if extended else settings.PICKUP_HOLD_EXTENSION_DAYS
        ),
    )


def _last_event_time(kind: str) -> Subquery:
    return Subquery(
        PickupEvent.objects.filter(order=OuterRef("pk"), kind=kind)
        .order_by("-created_at")
        .values("created_at")[:1],
        output_field=DateTimeField(),
    )


def store_orders(store: Location) -> QuerySet:
    """The store's pickup orders, with when each became ready, when the shopper said they had
    arrived (and their note) and when it was handed over."""
    arrivals = PickupEvent.objects.filter(
        order=OuterRef("pk"), kind=PickupEvent.Kind.ARRIVED
    ).order_by("-created_at")
    return (
        Order.objects.filter(pickup_location=store)
        .select_related("user")
        .annotate(
            ready_at=_last_event_time(PickupEvent.Kind.READY),
            arrived_at=_last_event_time(PickupEvent.Kind.ARRIVED),
            arrival_note=Subquery(arrivals.values("detail__note")[:1]),
            handed_over_at=_last_event_time(PickupEvent.Kind.HANDED_OVER),
            # A substitute offered to the shopper still waits for their answer.
            awaiting_answer=Exists(
                Substitution.objects.filter(
                    order=OuterRef("pk"), status=Substitution.Status.OFFERED
                )
            ),
        )
    )


def reminded_for_now(order, reminded_at: dt.datetime | None) -> bool:
    """Whether the last reminder (at ``reminded_at``) is for the order's current collect-by
    time: one sent before the shopper kept it longer was for the old one."""
    if reminded_at is None:
        return False
    return order.hold_extended_at is None or reminded_at > order.hold_extended_at


def waiting_for_collection() -> list:
    """Every store's ready orders, each with ``collect_by`` (when its holding days end, with
    any the shopper added) and ``reminded`` (for that end: a reminder sent before the shopper
    kept it longer is due again), soonest first (one query)."""
    orders = (
        Order.objects.filter(status=statuses.READY, pickup_location__isnull=False)
        .select_related("pickup_location")
        .annotate(
            ready_at=_last_event_time(PickupEvent.Kind.READY),
            reminded_at=_last_event_time(PickupEvent.Kind.REMINDED),
        )
        .filter(ready_at__isnull=False)
    )
    result = []
    for order in orders:
        order.collect_by = hold_ends(order, order.ready_at)
        order.reminded = reminded_for_now(order, order.reminded_at)
        result.append(order)
    return sorted(result, key=lambda order: order.collect_by)


#: An order still to get ready is "due soon" this long before its ready-by promise.
DUE_SOON = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class Due:
    """Where an order still to get ready stands against its ready-by promise."""

    late: bool
    minutes: int  # to the promise, or past it when late

    @property
    def css(self) -> str:
        return "late" if self.late else "due-soon"

    @property
    def label(self) -> str:
        span = _span(self.minutes)
        return f"Late by {span}" if self.late else f"Due in {span}"


def _span(minutes: int) -> str:
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def due_state(order, *, now: dt.datetime | None = None) -> Due | None:
    """Late or due soon (``DUE_SOON``) against the ready-by promise, for an order not yet ready;
    None when it is ready, or has time, or promised nothing."""
    if order.ready_by is None or order.status not in (statuses.PLACED, statuses.PICKING):
        return None
    left = order.ready_by - (now or timezone.now())
    if left < dt.timedelta(0):
        return Due(late=True, minutes=int(-left.total_seconds() // 60))
    if left <= DUE_SOON:
        return Due(late=False, minutes=int(left.total_seconds() // 60))
    return None


def refund_due(order) -> Decimal:
    """What is owed for everything still promised to the order (a cancel's refund)."""
    return sum(
        (line.unit_price_incl_tax * line.num_allocated for line in order.lines.all()),
        start=Decimal("0.00"),
    )


@dataclass
class Queue:
    to_pick: list = field(default_factory=list)
    picking: list = field(default_factory=list)
    ready: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    collected_today: list = field(default_factory=list)
    #: Orders whose stock is on its way to the store (ship to store): not to pick yet.
    incoming: list = field(default_factory=list)

    @property
    def groups(self):
        groups = [
            ("to-pick", "To pick", self.to_pick),
            ("picking", "Picking", self.picking),
            ("ready", "Ready for collection", self.ready),
            ("overdue", "Overdue to collect", self.overdue),
            ("collected", "Collected today", self.collected_today),
        ]
        if self.incoming:  # only a store that has orders on their way shows them
            groups.append(("incoming", "On their way to the store", self.incoming))
        return groups


def queue(store: Location, *, now: dt.datetime | None = None) -> Queue:
    """Open orders grouped by state, oldest first (shoppers who have arrived first among the
    ready ones), and today's collections (one query)."""
    now = now or timezone.now()
    start_of_day = now.astimezone(timezone.get_current_timezone()).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    holding = dt.timedelta(days=store.holding_days)
    result = Queue()
    # Today's collections through today's hand-over events (created_at is indexed): however
    # long the store's history, the queue reads only today's.
    handed_over_today = PickupEvent.objects.filter(
        kind=PickupEvent.Kind.HANDED_OVER, created_at__gte=start_of_day
    ).values("order_id")
    orders = store_orders(store).filter(
        Q(status__in=OPEN) | Q(status=statuses.COLLECTED, pk__in=handed_over_today)
    )
    for order in orders.order_by("date_placed"):
        order.due = due_state(order, now=now)
        if order.status == statuses.PLACED:
            result.to_pick.append(order)
        elif order.status == statuses.AWAITING_TRANSFER:
            result.incoming.append(order)
        elif order.status == statuses.PICKING:
            result.picking.append(order)
        elif order.status == statuses.READY:
            overdue = (
                order.ready_at is not None
                and order.ready_at + holding + dt.timedelta(days=order.hold_extension_days) <= now
            )
            (result.overdue if overdue else result.ready).append(order)
        elif order.handed_over_at and order.handed_over_at >= start_of_day:
            result.collected_today.append(order)
    # Shoppers waiting at the counter (they said "I'm here") come first, earliest arrival first.
    for group in (result.ready, result.overdue):
        group.sort(key=lambda order: (order.arrived_at is None, order.arrived_at or now))
    return result


def pulse(store: Location) -> dict[str, list[str]]:
    """What the console's badge watches (one query): the orders waiting to be picked, and the
    ready orders whose shopper says they are here."""
    rows = (
        store_orders(store)
        .filter(status__in=(statuses.PLACED, statuses.READY))
        .order_by("date_placed")
        .values_list("number", "status", "arrived_at")
    )
    to_pick, arrived = [], []
    for number, status, arrived_at in rows:
        if status == statuses.PLACED:
            to_pick.append(number)
        elif arrived_at is not None:
            arrived.append(number)
    return {"to_pick": to_pick, "arrived": arrived}


def order_matches(text: str) -> Q:
    """Orders matching a number, pickup code (as scanned), customer name, e-mail or phone."""
    text = text.strip()
    code = pickup_codes.normalise(text)
    matches = (
        Q(number=text)
        | Q(pickup_code=code)
        | Q(guest_email__iexact=text)
        | Q(user__email__iexact=text)
        | Q(pickup_phone=text)
    )
    matches |= phone_matches(text)
    for word in text.split():
        matches |= Q(user__last_name__iexact=word) | Q(user__first_name__iexact=word)
    return matches


def find_orders(store: Location, text: str) -> QuerySet:
    """The store's orders matching ``order_matches``, newest first."""
    return store_orders(store).filter(order_matches(text)).distinct().order_by("-date_placed")


def order_at_store(store: Location, number: str):
    """One of the store's orders: a pickup order, or a sale made at its till (404 if neither:
    staff never learn of another store's orders)."""
    pickup = store_orders(store).filter(number=number).first()
    if pickup is not None:
        return pickup
    sale = Order.objects.filter(number=number, till_sale__location=store).first()
    if sale is None:
        raise Http404("No such order at this store.")
    return sale


@dataclass
class WaveLine:
    """One product to fetch for a wave of orders: how many in all, and for which orders."""

    title: str
    upc: str
    bin: str = ""
    units: int = 0
    orders: list = field(default_factory=list)  # (order number, units)


def bins_at(store: Location, product_ids) -> dict[int, str]:
    """Each product's bin location in the store ("" where none is set), one query."""
    return dict(
        StockRecord.objects.filter(partner_id=store.partner_id, product_id__in=set(product_ids))
        .exclude(bin_location="")
        .values_list("product_id", "bin_location")
    )


def walk_order(bin_location: str, title: str) -> tuple:
    """Sort key of a walk round the shop: by bin (natural order: A2 before A10), products
    without a bin last, then by title."""
    parts = re.split(r"(\d+)", bin_location.upper())
    natural = tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part) for part in parts if part
    )
    return (not bin_location, natural, title)


@dataclass
class PickLine:
    """A line of a pick list: where to find it and how far its picking has gone."""

    line: object
    bin: str
    scanned: int  # units scanned on this device, not yet confirmed
    confirmed: bool

    @property
    def units(self) -> int:
        return self.line.num_allocated


def pick_lines(order, store: Location, *, scanned: dict[int, int] | None = None) -> list[PickLine]:
    """The lines left to hand over, in the order of a walk round the shop (two queries)."""
    lines = [line for line in order.lines.all() if line.num_allocated]
    bins = bins_at(store, [line.product_id for line in lines])
    to_pick = {line.pk for line in unconfirmed_lines(order)}
    scanned = scanned or {}
    items = [
        PickLine(
            line=line,
            bin=bins.get(line.product_id, ""),
            scanned=scanned.get(line.pk, 0),
            confirmed=line.pk not in to_pick,
        )
        for line in lines
    ]
    return sorted(items, key=lambda item: walk_order(item.bin, item.line.title))


def pick_wave(store: Location, *, status: str = statuses.PLACED, limit: int = 50):
    """The oldest orders in ``status`` (up to ``limit``) and their lines gathered by product,
    so one walk round the shop floor picks them all, in bin order (three queries)."""
    orders = list(
        Order.objects.filter(pickup_location=store, status=status)
        .order_by("date_placed", "pk")
        .prefetch_related("lines")[:limit]
    )
    lines: dict[int, WaveLine] = {}
    for order in orders:
        for line in order.lines.all():
            if not line.num_allocated:
                continue
            item = lines.setdefault(line.product_id, WaveLine(title=line.title, upc=line.upc or ""))
            item.units += line.num_allocated
            item.orders.append((order.number, line.num_allocated))
    for product_id, bin_location in bins_at(store, lines).items():
        lines[product_id].bin = bin_location
    return orders, sorted(lines.values(), key=lambda item: walk_order(item.bin, item.title))
