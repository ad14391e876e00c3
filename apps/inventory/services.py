"""Every change to on hand or allocated goes through this module, and each writes the ledger.

Why nothing can oversell: each change is one conditional ``UPDATE`` of one stock record
(``WHERE allocated stays >= 0 AND available to sell stays >= floor``). On PostgreSQL a second
transaction updating the same row waits for the first to commit, then re-checks its ``WHERE``
against the new row, so two checkouts can never both take the last unit. Several rows are
always taken in primary-key order, so two baskets holding the same products in opposite orders
cannot deadlock; a line that fails raises, and the surrounding transaction undoes the lines
already taken (all or nothing). No change may take a record above ``MAX_UNITS`` on hand.
Database check constraints on the stock record, the ledger and order lines back this up.

Every ledger row names its reason and what caused it (``StockMovement.SOURCES``): the order line
of a web, API or till sale, the counter return, the transfer, the count or the import batch.
Orders' own allocated counts (``Line.num_allocated``) are kept here too, beside the stock's.
Bulk writes (imports, the demo shop's opening stock) take the same locks in the same order.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from oscar.core.loading import get_model

from apps.stores.models import Location

from . import holds
from .bounds import MAX_UNITS
from .bulk import insert_rows, set_column
from .models import (
    LowStockDigest,
    StockCount,
    StockImport,
    StockMovement,
    Transfer,
    TransferLine,
)
from .selectors import holds_on
from .signals import transfer_received

StockRecord = get_model("partner", "StockRecord")
StockAlert = get_model("partner", "StockAlert")
Product = get_model("catalogue", "Product")
Reason = StockMovement.Reason

#: product id -> units
Quantities = Mapping[int, int]


class StockError(Exception):
    """A stock change that was refused; nothing was changed."""


class InsufficientStock(StockError):
    def __init__(self, *, product: Product, location: Location, requested: int, available: int):
        self.product, self.location = product, location
        self.requested, self.available = requested, available
        title = product.get_title()
        super().__init__(
            f"Only {available} left of {title} at {location.name} (you asked for {requested})."
            if available > 0
            else f"{title} is no longer available at {location.name}."
        )


class InvalidStockChange(StockError):
    pass


@dataclass(frozen=True)
class Change:
    """One row's change: how on hand and allocated move."""

    stockrecord: StockRecord
    on_hand: int = 0
    allocated: int = 0


# --- reading rows -------------------------------------------------------------------------


def _check_quantities(quantities: Quantities, *, allow_negative: bool = False) -> None:
    for product_id, units in quantities.items():
        # A bool is an int to Python, not to PostgreSQL ("integer + boolean").
        if not isinstance(units, int) or isinstance(units, bool) or abs(units) > MAX_UNITS:
            raise InvalidStockChange(
                f"Quantity for product {product_id} must be a whole number up to {MAX_UNITS:,}."
            )
        if units == 0 if allow_negative else units <= 0:
            raise InvalidStockChange(
                f"Quantity for product {product_id} must be a positive whole number, not {units!r}."
            )


def stockrecords_at(location: Location, product_ids: Iterable[int]) -> dict[int, StockRecord]:
    """The location's stock records for these products, keyed by product id."""
    records = StockRecord.objects.filter(
        partner_id=location.partner_id, product_id__in=list(product_ids)
    )
    return {r.product_id: r for r in records.select_related("product")}


def create_missing_stockrecords(location: Location, product_ids: Iterable[int]) -> None:
    """Create the location's missing stock records for these products, at zero.

    A new record takes its price from the product's existing records: one price everywhere.
    """
    product_ids = set(product_ids)
    missing = product_ids - set(
        StockRecord.objects.filter(
            partner_id=location.partner_id, product_id__in=product_ids
        ).values_list("product_id", flat=True)
    )
    if not missing:
        return
    prices = dict(  # the warehouse's price wins: "warehouse" sorts after "store", last wins
        StockRecord.objects.filter(product_id__in=missing, price__isnull=False)
        .order_by("product_id", "partner__location__kind", "pk")
        .values_list("product_id", "price")
    )
    skus = dict(Product.objects.filter(pk__in=missing).values_list("pk", "upc"))
    StockRecord.objects.bulk_create(
        [
            StockRecord(
                partner_id=location.partner_id,
                product_id=pid,
                partner_sku=skus[pid] or str(pid),
                price=prices.get(pid),
            )
            for pid in sorted(missing)
        ],
        ignore_conflicts=True,
    )


def ensure_stockrecords(location: Location, product_ids: Iterable[int]) -> dict[int, StockRecord]:
    """The location's stock records for these products, creating the missing ones at zero."""
    product_ids = set(product_ids)
    create_missing_stockrecords(location, product_ids)
    return stockrecords_at(location, product_ids)


# --- the one write path -------------------------------------------------------------------


def apply_changes(
    *,
    location: Location,
    changes: Iterable[Change],
    reason: str,
    floor: int = 0,
    by=None,
    order=None,
    order_lines: Mapping[int, object] | None = None,
    counter_returns: Mapping[int, object] | None = None,
    stock_import: StockImport | None = None,
    stock_count: StockCount | None = None,
    transfer_id: uuid.UUID | None = None,
    reference: str = "",
    note: str = "",
) -> list[StockMovement]:
    """Apply row changes in primary-key order with conditional updates, and write the ledger.

    ``floor`` is how many units must stay available to sell where a change lowers it (the
    location's safety buffer for allocations, zero otherwise). ``order_lines`` and
    ``counter_returns`` (product id -> row) say which row caused each product's change.
    """
    changes = sorted(changes, key=lambda c: c.stockrecord.pk)
    order_lines, counter_returns = order_lines or {}, counter_returns or {}
    with transaction.atomic(), stock_signals(location, [c.stockrecord.pk for c in changes]):
        for change in changes:
            _apply_one(location, change, floor)
        return StockMovement.objects.bulk_create(
            [
                StockMovement(
                    stockrecord_id=c.stockrecord.pk,
                    location=location,
                    product_id=c.stockrecord.product_id,
                    on_hand_delta=c.on_hand,
                    allocated_delta=c.allocated,
                    reason=reason,
                    order=order,
                    order_line=order_lines.get(c.stockrecord.product_id),
                    counter_return=counter_returns.get(c.stockrecord.product_id),
                    stock_import=stock_import,
                    stock_count=stock_count,
                    transfer_id=transfer_id,
                    reference=reference or (order.number if order is not None else ""),
                    user=by if by is not None and by.is_authenticated else None,
                    note=note,
                )
                for c in changes
            ]
        )


def _apply_one(location: Location, change: Change, floor: int) -> None:
    rows = StockRecord.objects.filter(
        pk=change.stockrecord.pk, num_allocated__gte=-change.allocated
    )
    if change.on_hand - change.allocated < 0:
        # Available to sell goes down: it must stay at or above the floor afterwards.
        rows = rows.filter(
            num_in_stock__gte=F("num_allocated") + change.allocated - change.on_hand + floor
        )
    if change.on_hand > 0:
        rows = rows.filter(num_in_stock__lte=MAX_UNITS - change.on_hand)
    updated = rows.update(
        num_in_stock=F("num_in_stock") + change.on_hand,
        num_allocated=F("num_allocated") + change.allocated,
    )
    if updated:
        return
    record = StockRecord.objects.select_related("product").get(pk=change.stockrecord.pk)
    if record.num_in_stock + change.on_hand > MAX_UNITS:
        raise InvalidStockChange(
            f"{record.product.get_title()} at {location.name} would hold "
            f"{record.num_in_stock + change.on_hand:,} units, more than {MAX_UNITS:,}."
        )
    if change.on_hand - change.allocated < 0:
        available = max(record.num_in_stock - record.num_allocated - floor, 0)
        raise InsufficientStock(
            product=record.product,
            location=location,
            requested=change.allocated - change.on_hand,
            available=available,
        )
    raise InvalidStockChange(
        f"{record.product.get_title()} at {location.name} has only {record.num_allocated} "
        f"allocated; cannot take {-change.allocated} off it."
    )


class stock_signals:
    """Oscar's ``pre_save``/``post_save`` for the stock records a change touches, as Oscar's own
    ``allocate`` sends them, so its low-stock alerts open and close. Only the location's records
    with a low-stock threshold or an open alert are signalled, found in one query by location
    (cheap whatever the size of the change): the others have nothing to tell Oscar's receiver,
    and a bulk import must not pay one query a row."""

    def __init__(self, location: Location, record_ids):
        self.location, self.record_ids = location, set(record_ids)

    def _watched(self) -> list:
        thresholds = (
            StockRecord.objects.filter(
                partner_id=self.location.partner_id, low_stock_threshold__isnull=False
            )
            .order_by()
            .values_list("pk", flat=True)
        )
        alerts = (
            StockAlert.objects.filter(
                stockrecord__partner_id=self.location.partner_id, status=StockAlert.OPEN
            )
            .order_by()
            .values_list("stockrecord_id", flat=True)
        )
        ids = self.record_ids.intersection(thresholds.union(alerts))
        if not ids:  # the usual case: no record is loaded at all
            return []
        return list(StockRecord.objects.filter(pk__in=ids).select_related("product__product_class"))

    def __enter__(self):
        self.watched = self._watched() if self.record_ids else []
        for record in self.watched:
            record.pre_save_signal()
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None and self.watched:
            fresh = StockRecord.objects.filter(pk__in=[r.pk for r in self.watched])
            for record in fresh.select_related("product__product_class"):
                record.post_save_signal()
        return False


def _changes_for(
    location: Location,
    quantities: Quantities,
    *,
    on_hand: int,
    allocated: int,
    create: bool = False,
) -> list[Change]:
    """Changes of ``on_hand``/``allocated`` times each product's quantity at the location."""
    records = (
        ensure_stockrecords(location, quantities)
        if create
        else stockrecords_at(location, quantities)
    )
    missing = set(quantities) - records.keys()
    if missing:
        product = Product.objects.get(pk=min(missing))
        raise InsufficientStock(
            product=product, location=location, requested=quantities[product.pk], available=0
        )
    return [
        Change(records[pid], on_hand=on_hand * units, allocated=allocated * units)
        for pid, units in quantities.items()
    ]


# --- what a store does -------------------------------------------------------------------


def allocate(
    *,
    location: Location,
    quantities: Quantities,
    by=None,
    order=None,
    order_lines=None,
    reference="",
) -> list[StockMovement]:
    """Promise units: all lines or none, never below the safety buffer."""
    _check_quantities(quantities)
    return apply_changes(
        location=location,
        changes=_changes_for(location, quantities, on_hand=0, allocated=1),
        reason=Reason.ALLOCATION,
        floor=location.safety_buffer,
        by=by,
        order=order,
        order_lines=order_lines,
        reference=reference,
    )


def release(
    *,
    location: Location,
    quantities: Quantities,
    by=None,
    order=None,
    order_lines=None,
    reference="",
    note="",
) -> list[StockMovement]:
    """Give promised units back to sale."""
    _check_quantities(quantities)
    return apply_changes(
        location=location,
        changes=_changes_for(location, quantities, on_hand=0, allocated=-1),
        reason=Reason.RELEASE,
        by=by,
        order=order,
        reference=reference,
        order_lines=order_lines,
        note=note,
    )


def hand_over(
    *, location: Location, quantities: Quantities, by=None, order=None, order_lines=None
) -> list[StockMovement]:
    """Promised units leave the building: on hand and allocated both go down."""
    _check_quantities(quantities)
    return apply_changes(
        location=location,
        changes=_changes_for(location, quantities, on_hand=-1, allocated=-1),
        reason=Reason.HANDOVER,
        by=by,
        order=order,
        order_lines=order_lines,
    )


def sell_in_store(
    *, location: Location, quantities: Quantities, by=None, order=None, order_lines=None
) -> list[StockMovement]:
    """Units leave on hand at once, never taking units promised to pickup orders."""
    _check_quantities(quantities)
    return apply_changes(
        location=location,
        changes=_changes_for(location, quantities, on_hand=-1, allocated=0),
        reason=Reason.INSTORE_SALE,
        by=by,
        order=order,
        order_lines=order_lines,
    )


def lock_available(
    *,
    location: Location,
    quantities: Quantities,
    for_sale_now: bool = False,
    floor: int | None = None,
    holder=None,
):
    """Lock the location's rows for these products (primary-key order) and refuse now
    (InsufficientStock) unless every unit can be had: allocated (above the safety buffer, or
    ``floor`` when a routing policy keeps more back) or, ``for_sale_now``, sold at the till.
    Checkout calls it before creating an order, so a shopper who loses the race for the last
    unit never gets as far as an order; the rows stay locked until the caller's transaction
    ends. With flash-sale holds on, units held for baskets other than ``holder`` (the basket
    being ordered) cannot be had: holds are taken under the same row locks
    (``inventory.holds``)."""
    _check_quantities(quantities)
    floor = 0 if for_sale_now else max(location.safety_buffer, floor or 0)
    records = (
        StockRecord.objects.select_for_update()
        .filter(partner_id=location.partner_id, product_id__in=list(quantities))
        .select_related("product")
        .order_by("pk")
    )
    found = {record.product_id: record for record in records}
    held = holds.held_by_others([r.pk for r in found.values()], holder=holder) if holds_on() else {}
    for product_id, units in sorted(quantities.items()):
        record = found.get(product_id)
        available = (
            max(record.num_in_stock - record.num_allocated - floor - held.get(record.pk, 0), 0)
            if record
            else 0
        )
        if available < units:
            product = record.product if record else Product.objects.get(pk=product_id)
            raise InsufficientStock(
                product=product, location=location, requested=units, available=available
            )


def _line_quantities(lines: Mapping) -> tuple[dict[int, int], dict[int, object]]:
    """(product id -> units, product id -> line) of ``{line: units}``; lines of one product
    add up (the ledger row names the last of them)."""
    quantities: dict[int, int] = {}
    by_product: dict[int, object] = {}
    for line, units in lines.items():
        if units:
            quantities[line.product_id] = quantities.get(line.product_id, 0) + units
            by_product[line.product_id] = line
    return quantities, by_product


def allocate_order(*, order, location: Location, by=None) -> list[StockMovement]:
    """Promise every line of a just-placed order at the location: all or none (raises
    InsufficientStock), each ledger row pointing at its order line."""
    lines = {line: line.quantity for line in order.lines.all()}
    quantities, by_product = _line_quantities(lines)
    return allocate(
        location=location, quantities=quantities, by=by, order=order, order_lines=by_product
    )


def allocate_lines(
    *, order, location: Location, lines: Mapping, by=None, transfer: Transfer | None = None
) -> list[StockMovement]:
    """Promise some lines of a just-placed order at the location ({line: units}): the lines a
    routed order takes from this location's shelf. With ``transfer``, the units are promised
    to travel with it (its reference on the ledger rows): ``ship_transfer`` takes them along."""
    quantities, by_product = _line_quantities(lines)
    if not quantities:
        return []
    _check_quantities(quantities)
    return apply_changes(
        location=location,
        changes=_changes_for(location, quantities, on_hand=0, allocated=1),
        reason=Reason.ALLOCATION,
        floor=location.safety_buffer,
        by=by,
        order=order,
        order_lines=by_product,
        transfer_id=transfer.reference if transfer is not None else None,
        note=f"to travel with {transfer.number} to {transfer.destination.name}"
        if transfer is not None
        else "",
    )


def release_for_transfer(*, order, transfer: Transfer, lines: Mapping, by=None, note="") -> list:
    """Give back units promised at a transfer's source to travel with it, before it ships
    ({line: units}): an order called off while its stock still waits to leave."""
    quantities, by_product = _line_quantities(lines)
    if not quantities:
        return []
    _check_quantities(quantities)
    return apply_changes(
        location=transfer.source,
        changes=_changes_for(transfer.source, quantities, on_hand=0, allocated=-1),
        reason=Reason.RELEASE,
        by=by,
        order=order,
        order_lines=by_product,
        transfer_id=transfer.reference,
        note=note[:255],
    )


def carried_units(transfer: Transfer) -> dict[int, int]:
    """Units promised at the source to travel with the transfer, per product (from its ledger
    rows there: allocations under its reference, less what was given back)."""
    rows = (
        StockMovement.objects.filter(
            transfer_id=transfer.reference,
            location_id=transfer.source_id,
            reason__in=(Reason.ALLOCATION, Reason.RELEASE),
        )
        .values_list("product_id")
        .annotate(units=Sum("allocated_delta"))
        .order_by()
    )
    return {product_id: units for product_id, units in rows if units > 0}


def allocate_arrived(*, order, transfer: Transfer, lines: Mapping, by=None) -> list[StockMovement]:
    """Units that arrived with a received transfer for an order are promised to it at the
    destination ({line: units that arrived}); a line whose units did not all arrive promises
    only those that did."""
    for line, units in lines.items():
        if not 0 <= units <= line.num_allocated:
            raise InvalidStockChange(
                f"{line.title} waits for {line.num_allocated} units, not {units}."
            )
    quantities, by_product = _line_quantities(lines)
    movements = []
    if quantities:
        movements = apply_changes(
            location=transfer.destination,
            changes=_changes_for(transfer.destination, quantities, on_hand=0, allocated=1),
            reason=Reason.ALLOCATION,
            by=by,
            order=order,
            order_lines=by_product,
            transfer_id=transfer.reference,
            note=f"arrived with {transfer.number} from {transfer.source.name}",
        )
    for line, units in lines.items():
        if units != line.num_allocated:
            line.num_allocated = units
            line.allocation_cancelled = units == 0
            line.save(update_fields=["num_allocated", "allocation_cancelled"])
    return movements


def forget_in_transit(*, lines: Mapping) -> None:
    """Lines of an order called off while their units are on the road ({line: units}) promise
    that much less; the units themselves arrive at the destination unpromised, on sale there."""
    for line, units in lines.items():
        if not 0 < units <= line.num_allocated:
            raise InvalidStockChange(
                f"{line.title} has {line.num_allocated} promised, not {units}."
            )
        line.num_allocated -= units
        line.allocation_cancelled = line.num_allocated == 0
        line.save(update_fields=["num_allocated", "allocation_cancelled"])


def release_lines(*, order, location: Location, lines: Mapping, by=None, note="") -> list:
    """Give some promised units of an order's lines back to sale ({line: units}): short
    picks, cancellations, orders not collected. The lines promise that much less."""
    for line, units in lines.items():
        if not 0 < units <= line.num_allocated:
            raise InvalidStockChange(
                f"{line.title} has {line.num_allocated} promised, not {units}."
            )
    quantities, by_product = _line_quantities(lines)
    if not quantities:
        return []
    movements = release(
        location=location,
        quantities=quantities,
        by=by,
        order=order,
        order_lines=by_product,
        note=note[:255],
    )
    for line, units in lines.items():
        line.num_allocated -= units
        line.allocation_cancelled = line.num_allocated == 0
        line.save(update_fields=["num_allocated", "allocation_cancelled"])
    return movements


def allocate_added_line(*, order, location: Location, line, by=None) -> list[StockMovement]:
    """Save a line added to a placed order (a substitute the shopper accepted) with all its
    units promised at the location, never below its safety buffer: all or nothing (raises
    InsufficientStock, and the line is not kept), nor from units held in shoppers' baskets."""
    with transaction.atomic():
        lock_available(location=location, quantities={line.product_id: line.quantity})
        line.num_allocated = line.quantity
        line.save()
        return allocate(
            location=location,
            quantities={line.product_id: line.quantity},
            by=by,
            order=order,
            order_lines={line.product_id: line},
        )


def release_order(*, order, location: Location, by=None, note="") -> list:
    """Give back everything still promised to the order."""
    lines = {line: line.num_allocated for line in order.lines.all() if line.num_allocated}
    return release_lines(order=order, location=location, lines=lines, by=by, note=note)


def hand_over_order(*, order, location: Location, by=None) -> list[StockMovement]:
    """The promised units leave the building with the customer: on hand and allocated both
    go down, and the lines promise nothing more."""
    lines = {line: line.num_allocated for line in order.lines.all() if line.num_allocated}
    quantities, by_product = _line_quantities(lines)
    if not quantities:
        return []
    movements = hand_over(
        location=location, quantities=quantities, by=by, order=order, order_lines=by_product
    )
    order.lines.filter(pk__in=[line.pk for line in lines]).update(num_allocated=0)
    return movements


def sell_order(*, order, location: Location, by=None) -> list[StockMovement]:
    """A till sale: the order's units leave on hand at once, never taking units promised to
    pickup orders; its lines promise nothing (they were handed over at the till)."""
    lines = {line: line.quantity for line in order.lines.all()}
    quantities, by_product = _line_quantities(lines)
    movements = sell_in_store(
        location=location, quantities=quantities, by=by, order=order, order_lines=by_product
    )
    order.lines.update(num_allocated=0)
    return movements


def return_to_stock(*, location: Location, returns: Iterable, by=None) -> list[StockMovement]:
    """Counter returns go back on hand at the location that takes them back, each ledger row
    pointing at its return (lines of one product add up)."""
    quantities: dict[int, int] = {}
    by_product: dict[int, object] = {}
    for item in returns:
        product_id = item.line.product_id
        quantities[product_id] = quantities.get(product_id, 0) + item.quantity
        by_product[product_id] = item
    if not quantities:
        return []
    _check_quantities(quantities)
    first = next(iter(by_product.values()))
    return apply_changes(
        location=location,
        changes=_changes_for(location, quantities, on_hand=1, allocated=0, create=True),
        reason=Reason.RETURN,
        by=by,
        order=first.order,
        counter_returns=by_product,
        note=first.reason[:255],
    )


# --- deliveries, counts and transfers --------------------------------------------------------


def _batch(*, by, note: str, mode=StockImport.Mode.DELTA) -> StockImport:
    return StockImport.objects.create(
        filename=note[:255], mode=mode, user=by if by is not None and by.is_authenticated else None
    )


def receive(
    *, location: Location, quantities: Quantities, by=None, note="", stock_import=None
) -> list[StockMovement]:
    """A delivery arrives: units go on hand, recorded under its batch (a new one if none)."""
    _check_quantities(quantities)
    with transaction.atomic():
        stock_import = stock_import or _batch(by=by, note=note or "delivery")
        return apply_changes(
            location=location,
            changes=_changes_for(location, quantities, on_hand=1, allocated=0, create=True),
            reason=Reason.RECEIPT,
            by=by,
            note=note,
            stock_import=stock_import,
        )


def adjust(
    *, location: Location, deltas: Quantities, by=None, note="", stock_count=None
) -> list[StockMovement]:
    """A correction by a signed number of units (damage, found stock); never below allocated.
    Recorded as a count of the products it corrects."""
    _check_quantities(deltas, allow_negative=True)
    with transaction.atomic():
        records = ensure_stockrecords(location, deltas)
        return apply_changes(
            location=location,
            changes=[Change(records[pid], on_hand=delta) for pid, delta in deltas.items()],
            reason=Reason.ADJUSTMENT,
            by=by,
            note=note,
            stock_count=stock_count or _count(location=location, by=by, note=note),
        )


def _count(*, location: Location, by, note: str) -> StockCount:
    return StockCount.objects.create(
        location=location, user=by if by is not None and by.is_authenticated else None, note=note
    )


def count(*, location: Location, counts: Quantities, by=None, note="") -> list[StockMovement]:
    """A stock count: set on hand to what was counted; the difference is the ledger row."""
    for product_id, counted in counts.items():
        if not isinstance(counted, int) or not 0 <= counted <= MAX_UNITS:
            raise InvalidStockChange(
                f"Counted quantity for product {product_id} must be 0 to {MAX_UNITS:,}, not {counted!r}."
            )
    with transaction.atomic():
        ids = [r.pk for r in ensure_stockrecords(location, counts).values()]
        locked = (
            StockRecord.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .select_related("product")
        )
        changes = []
        for record in locked:
            counted = counts[record.product_id]
            if counted < record.num_allocated:
                raise InvalidStockChange(
                    f"{record.product.get_title()} at {location.name}: counted {counted} but "
                    f"{record.num_allocated} are allocated to open orders."
                )
            if counted != record.num_in_stock:
                changes.append(Change(record, on_hand=counted - record.num_in_stock))
        return apply_changes(
            location=location,
            changes=changes,
            reason=Reason.ADJUSTMENT,
            by=by,
            note=note,
            stock_count=_count(location=location, by=by, note=note),
        )


class TransferStateError(StockError):
    """The transfer is not in a state that allows this step (shipping twice, cancelling once
    shipped); nothing was changed."""


def _user(by):
    return by if by is not None and by.is_authenticated else None


def _check_route(source: Location, destination: Location) -> None:
    if source.pk == destination.pk:
        raise InvalidStockChange("A transfer needs two different locations.")


def create_transfer(
    *,
    source: Location,
    destination: Location,
    quantities: Quantities,
    by=None,
    note="",
    ship: bool = False,
) -> Transfer:
    """Plan a transfer (nothing moves yet): its lines, one per product; ``ship`` ships it at
    once (or, refused, leaves no transfer either)."""
    _check_quantities(quantities)
    _check_route(source, destination)
    if not quantities:
        raise InvalidStockChange("A transfer needs at least one product.")
    with transaction.atomic():
        found = set(Product.objects.filter(pk__in=list(quantities)).values_list("pk", flat=True))
        if missing := set(quantities) - found:
            raise InvalidStockChange(f"No product has id {min(missing)}.")
        created = Transfer.objects.create(
            source=source, destination=destination, note=note[:255], created_by=_user(by)
        )
        TransferLine.objects.bulk_create(
            TransferLine(transfer=created, product_id=pid, quantity=units)
            for pid, units in sorted(quantities.items())
        )
        if ship:
            created = ship_transfer(transfer=created, by=by)
    return created


def _lock_transfer(transfer: Transfer, state: str, action: str) -> Transfer:
    """The transfer's row, locked for this transaction, refused unless it is in ``state``:
    two people shipping (or receiving) the same transfer do it once."""
    locked = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("source", "destination")
        .get(pk=transfer.pk)
    )
    if locked.state != state:
        raise TransferStateError(
            f"Transfer {locked.number} is {locked.get_state_display().lower()}: "
            f"it can no longer be {action}."
        )
    return locked


def _step(transfer: Transfer, state: str, step: str, by) -> None:
    """Record the transfer's new state, who took the step (``<step>_by``) and when."""
    transfer.state = state
    setattr(transfer, f"{step}_by", _user(by))
    setattr(transfer, f"{step}_at", timezone.now())
    transfer.save(update_fields=["state", f"{step}_by", f"{step}_at"])


def ship_transfer(*, transfer: Transfer, by=None) -> Transfer:
    """The units leave the source: its on hand goes down by each line (ledger rows at the
    source under the transfer's reference). Never takes units promised to orders: a line the
    source cannot spare refuses the whole shipment (InsufficientStock), nothing moves."""
    with transaction.atomic():
        transfer = _lock_transfer(transfer, Transfer.State.CREATED, "shipped")
        lines = list(transfer.lines.all())
        # Units promised to an order to travel with the transfer (ship to store) leave with
        # it: on hand and allocated go down together, the rest comes from what is for sale.
        carried = carried_units(transfer)
        records = stockrecords_at(transfer.source, [line.product_id for line in lines])
        if missing := {line.product_id for line in lines} - records.keys():
            line = next(line for line in lines if line.product_id == min(missing))
            raise InsufficientStock(
                product=line.product, location=transfer.source, requested=line.quantity, available=0
            )
        apply_changes(
            location=transfer.source,
            changes=[
                Change(
                    records[line.product_id],
                    on_hand=-line.quantity,
                    allocated=-min(carried.get(line.product_id, 0), line.quantity),
                )
                for line in lines
            ],
            reason=Reason.TRANSFER_OUT,
            by=by,
            transfer_id=transfer.reference,
            reference=transfer.number,
            note=f"{transfer.number} to {transfer.destination.name}",
        )
        _step(transfer, Transfer.State.SHIPPED, "shipped", by)
    return transfer


def receive_transfer(
    *, transfer: Transfer, received: Quantities | None = None, by=None
) -> Transfer:
    """What arrived goes on the destination's on hand (ledger rows there). ``received`` gives
    the units that arrived per product (missing products: none arrived; None: all of them).
    Units shipped that did not arrive are recorded on the line and in the ledger row's note,
    and are stock nowhere."""
    with transaction.atomic():
        transfer = _lock_transfer(transfer, Transfer.State.SHIPPED, "received")
        lines = list(transfer.lines.select_related("product"))
        if received is None:
            received = {line.product_id: line.quantity for line in lines}
        shipped = {line.product_id: line for line in lines}
        if unknown := set(received) - shipped.keys():
            raise InvalidStockChange(
                f"Transfer {transfer.number} did not ship product {min(unknown)}."
            )
        for line in lines:
            units = received.get(line.product_id, 0)
            if (
                not isinstance(units, int)
                or isinstance(units, bool)
                or not 0 <= units <= line.quantity
            ):
                raise InvalidStockChange(
                    f"{line.product.get_title()}: received must be 0 to {line.quantity} "
                    f"(the units shipped), not {units!r}."
                )
            line.quantity_received = units
        arrived = {
            line.product_id: line.quantity_received for line in lines if line.quantity_received
        }
        records = ensure_stockrecords(transfer.destination, arrived)
        # Lock the destination's rows in primary-key order first: the ledger rows are then
        # written one line at a time, each with its own note.
        list(
            StockRecord.objects.select_for_update()
            .filter(pk__in=[r.pk for r in records.values()])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for line in lines:
            if not line.quantity_received:
                continue
            note = f"{transfer.number} from {transfer.source.name}"
            if line.short:
                note += (
                    f": {line.quantity_received} of {line.quantity} arrived, {line.short} missing"
                )
            apply_changes(
                location=transfer.destination,
                changes=[Change(records[line.product_id], on_hand=line.quantity_received)],
                reason=Reason.TRANSFER_IN,
                by=by,
                transfer_id=transfer.reference,
                reference=transfer.number,
                note=note,
            )
        TransferLine.objects.bulk_update(lines, ["quantity_received"])
        _step(transfer, Transfer.State.RECEIVED, "received", by)
        # In the same transaction: what waits for these units (an order sent to a store)
        # takes them now, or the receipt is undone with it.
        transfer_received.send(sender=Transfer, transfer=transfer, by=by)
    return transfer


def cancel_transfer(*, transfer: Transfer, by=None) -> Transfer:
    """Call off a transfer that has not shipped; nothing had moved, nothing moves. One that
    carries units promised to a shipped-to-store order is refused: cancelling the order
    cancels it (and puts those units back on sale)."""
    with transaction.atomic():
        transfer = _lock_transfer(transfer, Transfer.State.CREATED, "cancelled")
        if carried_units(transfer):
            raise TransferStateError(
                f"Transfer {transfer.number} carries units promised to a customer's order: "
                "cancel the order to call it off."
            )
        _step(transfer, Transfer.State.CANCELLED, "cancelled", by)
    return transfer


def create_transfers(
    *, plans: Iterable[tuple[Location, Location, Quantities]], by=None, note=""
) -> list[Transfer]:
    """Several planned transfers at once (a bulk file): all of them, or none."""
    with transaction.atomic():
        return [
            create_transfer(
                source=source, destination=destination, quantities=quantities, by=by, note=note
            )
            for source, destination, quantities in plans
        ]


def transfer(
    *, source: Location, destination: Location, quantities: Quantities, by=None, note=""
) -> uuid.UUID:
    """Move units at once (shipped and received in one step, nothing in transit): the two
    sides' ledger rows share the transfer's reference, which is returned."""
    _check_quantities(quantities)
    _check_route(source, destination)
    with transaction.atomic():
        # Lock both sides' rows in one primary-key order, so opposite transfers cannot deadlock.
        ensure_stockrecords(destination, quantities)
        list(
            StockRecord.objects.select_for_update()
            .filter(
                partner_id__in=[source.partner_id, destination.partner_id],
                product_id__in=list(quantities),
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        moved = create_transfer(
            source=source, destination=destination, quantities=quantities, by=by, note=note
        )
        apply_changes(
            location=source,
            changes=_changes_for(source, quantities, on_hand=-1, allocated=0),
            reason=Reason.TRANSFER_OUT,
            by=by,
            transfer_id=moved.reference,
            reference=moved.number,
            note=note,
        )
        apply_changes(
            location=destination,
            changes=_changes_for(destination, quantities, on_hand=1, allocated=0, create=True),
            reason=Reason.TRANSFER_IN,
            by=by,
            transfer_id=moved.reference,
            reference=moved.number,
            note=note,
        )
        now = timezone.now()
        moved.lines.update(quantity_received=F("quantity"))
        Transfer.objects.filter(pk=moved.pk).update(
            state=Transfer.State.RECEIVED,
            shipped_by=_user(by),
            shipped_at=now,
            received_by=_user(by),
            received_at=now,
        )
    return moved.reference


# --- low-stock digests -------------------------------------------------------------------------


def claim_low_stock_digest(*, location: Location, day, alerts: int, recipients: int) -> bool:
    """Record that the store's digest for ``day`` is being sent; False when it already was.
    Call it in the transaction that sends the mail: a failed send undoes the claim."""
    with transaction.atomic():
        if LowStockDigest.objects.filter(location=location, day=day).exists():
            return False
        try:
            with transaction.atomic():
                LowStockDigest.objects.create(
                    location=location, day=day, alerts=alerts, recipients=recipients
                )
        except IntegrityError:  # another worker claimed it a moment ago
            return False
    return True


# --- bulk: many rows at once, same locks in the same order -----------------------------------

#: The ledger columns a bulk write fills (COPY on PostgreSQL).
MOVEMENT_FIELDS = [
    "stockrecord",
    "location",
    "product",
    "on_hand_delta",
    "allocated_delta",
    "reason",
    "stock_import",
    "user",
    "note",
    "created_at",
]


@dataclass(frozen=True)
class BulkRow:
    """One row of a feed: set on hand (``count``) or add ``delta`` for one product."""

    ref: int  # the caller's row number, given back with a refusal
    product_id: int
    quantity: int


def apply_feed(
    *, location: Location, rows: list[BulkRow], counts: bool, stock_import: StockImport
) -> tuple[int, list[tuple[int, str]]]:
    """Apply a feed's rows at one location: full counts (``counts``) or deltas, under one
    import batch. The location's records are locked in primary-key order, updated in one
    statement and their ledger rows written in one COPY. A row that would leave fewer units
    on hand than are promised to orders, or more than ``MAX_UNITS``, is refused (the others
    still apply). Returns (rows applied, [(ref, reason)] refused). Call it inside the
    caller's transaction."""
    product_ids = [row.product_id for row in rows]
    create_missing_stockrecords(location, product_ids)
    locked = {
        product_id: (pk, on_hand, allocated)
        for pk, product_id, on_hand, allocated in StockRecord.objects.select_for_update()
        .filter(partner_id=location.partner_id, product_id__in=product_ids)
        .order_by("pk")
        .values_list("pk", "product_id", "num_in_stock", "num_allocated")
    }
    applied, refused = 0, []
    new_on_hand, movements = {}, []
    now = timezone.now()
    for row in rows:
        pk, on_hand, allocated = locked[row.product_id]
        target = row.quantity if counts else on_hand + row.quantity
        if target > MAX_UNITS:
            refused.append(
                (
                    row.ref,
                    f"would leave {target:,} on hand at {location.code}, more than {MAX_UNITS:,}",
                )
            )
            continue
        if target < allocated:
            refused.append(
                (
                    row.ref,
                    f"would leave {target} on hand at {location.code} but {allocated} are "
                    "allocated to orders",
                )
            )
            continue
        applied += 1
        delta = target - on_hand
        if delta == 0:
            continue
        new_on_hand[pk] = target
        reason = Reason.RECEIPT if not counts and delta > 0 else Reason.ADJUSTMENT
        movements.append(
            (
                pk,
                location.pk,
                row.product_id,
                delta,
                0,
                reason,
                stock_import.pk,
                stock_import.user_id,
                f"import line {row.ref}",
                now,
            )
        )
    with stock_signals(location, new_on_hand):
        set_column(StockRecord, "num_in_stock", new_on_hand, date_updated=now)
        insert_rows(StockMovement, MOVEMENT_FIELDS, movements)
    return applied, refused


@dataclass(frozen=True)
class OpeningStock:
    """A product's first stock record at a location: its SKU, price and units on hand."""

    product_id: int
    sku: str
    price: object
    units: int
    currency: str


def open_stock(*, location: Location, rows: list[OpeningStock], stock_import: StockImport) -> int:
    """Create the location's records for products it has none of, with their opening units
    as receipts under one batch (COPY on PostgreSQL: the demo shop at 2M records). Products
    the location already has are left alone. Returns how many records were created."""
    with transaction.atomic():
        have = set(
            StockRecord.objects.filter(partner_id=location.partner_id).values_list(
                "product_id", flat=True
            )
        )
        missing = [row for row in rows if row.product_id not in have]
        if not missing:
            return 0
        for row in missing:
            if not isinstance(row.units, int) or not 0 <= row.units <= MAX_UNITS:
                raise InvalidStockChange(f"Opening stock of {row.sku} must be 0 to {MAX_UNITS:,}.")
        now = timezone.now()
        insert_rows(
            StockRecord,
            [
                "partner",
                "product",
                "partner_sku",
                "price_currency",
                "price",
                "num_in_stock",
                "num_allocated",
                "date_created",
                "date_updated",
            ],
            [
                (
                    location.partner_id,
                    r.product_id,
                    r.sku,
                    r.currency,
                    r.price,
                    r.units,
                    0,
                    now,
                    now,
                )
                for r in missing
            ],
        )
        created = StockRecord.objects.filter(
            partner_id=location.partner_id, product_id__in=[r.product_id for r in missing]
        )
        insert_rows(
            StockMovement,
            MOVEMENT_FIELDS,
            [
                (
                    pk,
                    location.pk,
                    product_id,
                    units,
                    0,
                    Reason.RECEIPT,
                    stock_import.pk,
                    stock_import.user_id,
                    stock_import.filename,
                    now,
                )
                for pk, product_id, units in created.filter(num_in_stock__gt=0).values_list(
                    "pk", "product_id", "num_in_stock"
                )
            ],
        )
    return len(missing)
