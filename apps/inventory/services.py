"""Every change to on hand or allocated goes through this module, and each writes the ledger.

Why nothing can oversell: each change is one conditional ``UPDATE`` of one stock record
(``WHERE allocated stays >= 0 AND available to sell stays >= floor``). On PostgreSQL a second
transaction updating the same row waits for the first to commit, then re-checks its ``WHERE``
against the new row, so two checkouts can never both take the last unit. Several rows are
always taken in primary-key order, so two baskets holding the same products in opposite orders
cannot deadlock; a line that fails raises, and the surrounding transaction undoes the lines
already taken (all or nothing). Database check constraints on the stock record back this up.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from oscar.core.loading import get_model

from apps.stores.models import Location

from .models import StockImport, StockMovement

StockRecord = get_model("partner", "StockRecord")
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
        super().__init__(
            f"Only {available} left of {product.get_title()} at {location.name} "
            f"(you asked for {requested})."
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
        if not isinstance(units, int) or (units == 0 if allow_negative else units <= 0):
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
    stock_import: StockImport | None = None,
    transfer_id: uuid.UUID | None = None,
    reference: str = "",
    note: str = "",
) -> list[StockMovement]:
    """Apply row changes in primary-key order with conditional updates, and write the ledger.

    ``floor`` is how many units must stay available to sell where a change lowers it (the
    location's safety buffer for allocations, zero otherwise).
    """
    changes = sorted(changes, key=lambda c: c.stockrecord.pk)
    order_lines = order_lines or {}
    with transaction.atomic():
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
                    stock_import=stock_import,
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
    updated = rows.update(
        num_in_stock=F("num_in_stock") + change.on_hand,
        num_allocated=F("num_allocated") + change.allocated,
    )
    if updated:
        return
    record = StockRecord.objects.select_related("product").get(pk=change.stockrecord.pk)
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


# --- what a store manager does ------------------------------------------------------------


def allocate(
    *,
    location: Location,
    quantities: Quantities,
    by=None,
    order=None,
    order_lines=None,
    reference="",
) -> list[StockMovement]:
    """Promise units to an order: all lines or none, never below the safety buffer."""
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
    """Give promised units back to sale (cancelled, short-picked or not collected)."""
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
    """Promised units leave the building with the customer: on hand and allocated both go down."""
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
    """A till sale: units leave on hand, never taking units promised to pickup orders."""
    _check_quantities(quantities)
    return apply_changes(
        location=location,
        changes=_changes_for(location, quantities, on_hand=-1, allocated=0),
        reason=Reason.INSTORE_SALE,
        by=by,
        order=order,
        order_lines=order_lines,
    )


def return_to_stock(
    *, location: Location, quantities: Quantities, by=None, order=None, order_lines=None, note=""
) -> list[StockMovement]:
    """Returned units go back on hand at the location that takes them back."""
    _check_quantities(quantities)
    return apply_changes(
        location=location,
        changes=_changes_for(location, quantities, on_hand=1, allocated=0, create=True),
        reason=Reason.RETURN,
        by=by,
        order=order,
        order_lines=order_lines,
        note=note,
    )


def receive(
    *, location: Location, quantities: Quantities, by=None, note="", stock_import=None
) -> list[StockMovement]:
    """A delivery arrives: units go on hand."""
    _check_quantities(quantities)
    return apply_changes(
        location=location,
        changes=_changes_for(location, quantities, on_hand=1, allocated=0, create=True),
        reason=Reason.RECEIPT,
        by=by,
        note=note,
        stock_import=stock_import,
    )


def adjust(
    *, location: Location, deltas: Quantities, by=None, note="", stock_import=None
) -> list[StockMovement]:
    """A correction by a signed number of units (damage, found stock); never below allocated."""
    _check_quantities(deltas, allow_negative=True)
    records = ensure_stockrecords(location, deltas)
    return apply_changes(
        location=location,
        changes=[Change(records[pid], on_hand=delta) for pid, delta in deltas.items()],
        reason=Reason.ADJUSTMENT,
        by=by,
        note=note,
        stock_import=stock_import,
    )


def count(
    *, location: Location, counts: Quantities, by=None, note="", stock_import=None
) -> list[StockMovement]:
    """A stock count: set on hand to what was counted; the difference is the ledger row."""
    for product_id, counted in counts.items():
        if not isinstance(counted, int) or counted < 0:
            raise InvalidStockChange(
                f"Counted quantity for product {product_id} must be zero or more, not {counted!r}."
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
            stock_import=stock_import,
        )


def transfer(
    *, source: Location, destination: Location, quantities: Quantities, by=None, note=""
) -> uuid.UUID:
    """Move units from one location to another; the two movements share a transfer id."""
    _check_quantities(quantities)
    if source.pk == destination.pk:
        raise InvalidStockChange("A transfer needs two different locations.")
    transfer_id = uuid.uuid4()
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
        apply_changes(
            location=source,
            changes=_changes_for(source, quantities, on_hand=-1, allocated=0),
            reason=Reason.TRANSFER_OUT,
            by=by,
            transfer_id=transfer_id,
            note=note,
        )
        apply_changes(
            location=destination,
            changes=_changes_for(destination, quantities, on_hand=1, allocated=0, create=True),
            reason=Reason.TRANSFER_IN,
            by=by,
            transfer_id=transfer_id,
            note=note,
        )
    return transfer_id
