"""Transfers planned from a file: CSV ``source,destination,sku,quantity`` (or ``upc`` for the
product column), one transfer per source and destination with a line per product.

Every cell is checked first, each bad one named by its line and column (as stock feeds are,
with the feed's own reading helpers); a file with any bad cell creates nothing. A good file
creates all its transfers in one transaction (``services.create_transfers``); they ship and
arrive as any other. ``ReceiveForm`` is the count of what arrived, per line, that the
dashboard and the console both take.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.db.models.functions import Lower
from oscar.core.loading import get_model

from apps.stores.models import Location

from . import services
from .imports import (
    UNPRINTABLE,
    FeedRejected,
    RowError,
    _code,
    _csv_lines,
    _named,
    _quantity,
    _shown,
)
from .models import Transfer

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

SOURCE, DESTINATION, QUANTITY = "source", "destination", "quantity"
PRODUCT_COLUMNS = ("sku", "upc")
HEADER_HELP = "source,destination,sku,quantity (or upc instead of sku)"


@dataclass
class PlannedRow:
    line: int
    source: str | None
    destination: str | None
    product: str | None
    quantity: int | None


def _header(line: int, header: list[str]) -> tuple[str | None, list[RowError]]:
    """The product column's name (sku or upc), or the header's problems."""
    if not header:
        return None, [RowError(line, None, f"the file is empty: it needs a header, {HEADER_HELP}")]
    errors, seen = [], set()
    known = (SOURCE, DESTINATION, *PRODUCT_COLUMNS, QUANTITY)
    for position, name in enumerate(header, start=1):
        if not name:
            errors.append(RowError(line, None, f"column {position} of the header has no name"))
        elif name in seen:
            errors.append(RowError(line, _named(name), "appears twice in the header"))
        elif name not in known:
            errors.append(
                RowError(line, _named(name), f"not a column of a transfer file ({HEADER_HELP})")
            )
        seen.add(name)
    for name in (SOURCE, DESTINATION, QUANTITY):
        if name not in seen:
            errors.append(RowError(line, name, "missing from the header"))
    products = [name for name in PRODUCT_COLUMNS if name in seen]
    if not products:
        errors.append(RowError(line, "sku", "missing from the header (the product's SKU or UPC)"))
    elif len(products) > 1:
        errors.append(RowError(line, "upc", "name the product by sku or by upc, not both"))
    return (None if errors else products[0]), errors


def read_plan(text: str) -> tuple[list[PlannedRow], str, list[RowError]]:
    """Every row with the shape of each cell checked (no database)."""
    text = text.lstrip("\ufeff")
    lines = _csv_lines(text)
    header_line, first = next(lines, (1, []))
    if isinstance(first, RowError):
        raise FeedRejected([first])
    header = [name.strip() for name in first]
    product_column, errors = _header(header_line, header)
    if product_column is None:
        raise FeedRejected(errors)
    rows = []
    for line, cells in lines:
        if isinstance(cells, RowError):
            errors.append(cells)
            continue
        if len(cells) > len(header):
            errors.append(RowError(line, None, f"{len(cells)} cells, the header has {len(header)}"))
        record = dict(zip(header, cells, strict=False))
        values = {}
        for column in (SOURCE, DESTINATION, product_column):
            if column not in record:
                errors.append(RowError(line, column, "missing from this line"))
                values[column] = None
            else:
                values[column] = _code(line, column, record[column], errors)
        quantity = None
        if QUANTITY not in record:
            errors.append(RowError(line, QUANTITY, "missing from this line"))
        else:
            quantity = _quantity(line, QUANTITY, record[QUANTITY], errors)
            if quantity is not None and quantity < 1:
                errors.append(
                    RowError(line, QUANTITY, f"must be at least 1 ({_shown(record[QUANTITY])})")
                )
                quantity = None
        rows.append(
            PlannedRow(line, values[SOURCE], values[DESTINATION], values[product_column], quantity)
        )
    if not rows and not errors:
        errors.append(RowError(header_line, None, "the file has a header but no transfers"))
    return rows, product_column, errors


def resolve_plan(rows: list[PlannedRow], product_column: str) -> tuple[list, list[RowError]]:
    """[(source, destination, {product id: units})] grouped by route, or the rows' problems
    (unknown codes, a route to itself, a product twice on one route); four queries."""
    codes = {code for r in rows for code in (r.source, r.destination) if code is not None}
    locations = Location.objects.in_bulk(codes, field_name="code")
    named = {r.product for r in rows if r.product is not None}
    by_upc = dict(
        Product.objects.annotate(upc_lower=Lower("upc"))
        .filter(upc_lower__in={name.lower() for name in named})
        .values_list("upc_lower", "pk")
    )
    missing = {name for name in named if name.lower() not in by_upc}
    by_sku = {}
    if missing:  # a location's own SKU for the product (StockRecord.partner_sku)
        for partner_id, sku, pk in StockRecord.objects.filter(partner_sku__in=missing).values_list(
            "partner_id", "partner_sku", "product_id"
        ):
            by_sku[partner_id, sku] = pk
    errors, routes, seen = [], {}, {}
    for row in rows:
        source = locations.get(row.source) if row.source is not None else None
        destination = locations.get(row.destination) if row.destination is not None else None
        for column, code, found in (
            (SOURCE, row.source, source),
            (DESTINATION, row.destination, destination),
        ):
            if code is not None and found is None:
                errors.append(RowError(row.line, column, f"unknown location {_shown(code)}"))
            elif found is not None and not found.is_active:
                errors.append(RowError(row.line, column, f"{found.name} is closed"))
        if source is not None and destination is not None and source.pk == destination.pk:
            errors.append(
                RowError(
                    row.line,
                    DESTINATION,
                    f"the same location as the source ({_shown(row.destination)})",
                )
            )
        product_id = None
        if row.product is not None:
            product_id = by_upc.get(row.product.lower())
            if product_id is None and source is not None:
                product_id = by_sku.get((source.partner_id, row.product))
            if product_id is None:
                errors.append(
                    RowError(row.line, product_column, f"unknown product {_shown(row.product)}")
                )
        if None in (source, destination, product_id, row.quantity):
            continue
        key = (source.pk, destination.pk, product_id)
        if key in seen:
            errors.append(
                RowError(
                    row.line,
                    product_column,
                    f"duplicate of line {seen[key]} (same product, same route)",
                )
            )
            continue
        seen[key] = row.line
        route = routes.setdefault((source.pk, destination.pk), (source, destination, {}))
        route[2][product_id] = row.quantity
    return list(routes.values()), errors


def import_transfers(*, text: str, filename: str = "", by=None) -> list:
    """Check the file whole, then create its transfers together (raises FeedRejected)."""
    rows, product_column, errors = read_plan(text)
    plans, found = resolve_plan(rows, product_column)
    errors += found
    if errors:
        raise FeedRejected(sorted(errors, key=lambda e: (e.line, e.column or "")))
    note = f"from {UNPRINTABLE.sub('', filename)[:200]}" if filename else "from a file"
    return services.create_transfers(plans=plans, by=by, note=note)


class ReceiveForm(forms.Form):
    """A received count per line of a shipped transfer, prefilled with what was shipped."""

    def __init__(self, *args, transfer: Transfer, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(transfer.lines.all())
        for line in self.lines:
            self.fields[f"line-{line.pk}"] = forms.IntegerField(
                label=f"{line.product.get_title()} ({line.product.upc})",
                min_value=0,
                max_value=line.quantity,
                initial=line.quantity,
                help_text=f"{line.quantity} shipped",
            )

    def rows(self):
        return [(line, self[f"line-{line.pk}"]) for line in self.lines]

    def received(self) -> dict[int, int]:
        return {line.product_id: self.cleaned_data[f"line-{line.pk}"] for line in self.lines}
