"""Stock feeds: CSV or JSON lines, ``location,sku,on_hand`` (a full count) or ``location,sku,delta``.

Every row is checked before anything is written. A bad row rejects the whole file with its line
number and reason, unless the caller asked to skip bad rows; then the good rows are applied and
the skipped ones reported. The writes are ``services.apply_feed`` (one locked read, one bulk
update and one bulk insert of ledger rows per location), inside one transaction.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from oscar.core.loading import get_model

from apps.stores.models import Location

from .models import StockImport
from .services import MAX_UNITS, BulkRow, apply_feed

Product = get_model("catalogue", "Product")

HEADERS = {
    frozenset({"location", "sku", "on_hand"}): StockImport.Mode.COUNT,
    frozenset({"location", "sku", "delta"}): StockImport.Mode.DELTA,
}


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str

    def __str__(self):
        return f"line {self.line}: {self.reason}"


@dataclass
class FeedRow:
    line: int
    location_code: str
    sku: str
    quantity: int
    location: Location | None = None
    product_id: int | None = None


class FeedRejected(Exception):
    """The file was refused whole; nothing changed."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        shown = "\n".join(str(e) for e in errors[:50])
        more = f"\n... and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{len(errors)} bad row(s), nothing imported:\n{shown}{more}")


@dataclass
class ImportResult:
    stock_import: StockImport
    mode: str
    rows_total: int
    rows_applied: int
    skipped: list[RowError] = field(default_factory=list)
    already_applied: bool = False


# --- reading ------------------------------------------------------------------------------


def _records(text: str, filename: str):
    """Yield (line number, dict) for each data row, and first the header as (1, fields)."""
    stripped = text.lstrip()
    if filename.lower().endswith((".jsonl", ".ndjson", ".json")) or stripped.startswith("{"):
        first = True
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise FeedRejected([RowError(number, f"not valid JSON ({exc.msg})")]) from None
            if not isinstance(record, dict):
                raise FeedRejected([RowError(number, "each line must be a JSON object")])
            if first:
                yield 0, list(record)
                first = False
            yield number, record
        return
    reader = csv.DictReader(io.StringIO(text))
    yield 0, [name.strip() for name in reader.fieldnames or []]
    for record in reader:
        yield reader.line_num, record


def _whole_number(value) -> int:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text or not text.lstrip("+-").isdigit():
        raise ValueError
    return int(text)


def parse_feed(text: str, filename: str = "") -> tuple[str, list[FeedRow], list[RowError]]:
    """Read and check the shape of every row (no database)."""
    records = _records(text.lstrip("\ufeff"), filename)
    _, header = next(records, (0, []))
    mode = HEADERS.get(frozenset(header))
    if mode is None:
        raise FeedRejected(
            [
                RowError(
                    1,
                    f"header must be location,sku,on_hand or location,sku,delta, not {','.join(header) or 'empty'}",
                )
            ]
        )
    rows, errors, seen = [], [], {}
    for line, record in records:
        record = {str(k).strip(): v for k, v in record.items() if k is not None}
        if set(record) != set(header):
            errors.append(RowError(line, f"expected the fields {', '.join(sorted(header))}"))
            continue
        location_code = str(record["location"] or "").strip()
        sku = str(record["sku"] or "").strip()
        if not location_code or not sku:
            errors.append(RowError(line, "location and sku must not be empty"))
            continue
        try:
            quantity = _whole_number(record[mode])
        except ValueError:
            errors.append(RowError(line, f"{mode} must be a whole number, not {record[mode]!r}"))
            continue
        if mode == StockImport.Mode.COUNT and quantity < 0:
            errors.append(RowError(line, f"on_hand cannot be negative ({quantity})"))
            continue
        if abs(quantity) > MAX_UNITS:
            errors.append(RowError(line, f"{mode} must be at most {MAX_UNITS:,} ({quantity})"))
            continue
        key = (location_code, sku)
        if key in seen:
            errors.append(RowError(line, f"duplicate of line {seen[key]} ({location_code}, {sku})"))
            continue
        seen[key] = line
        rows.append(FeedRow(line, location_code, sku, quantity))
    return mode, rows, errors


def resolve(rows: list[FeedRow]) -> list[RowError]:
    """Attach locations and products to rows (two queries); report unknown codes."""
    locations = Location.objects.in_bulk({r.location_code for r in rows}, field_name="code")
    products = dict(Product.objects.filter(upc__in={r.sku for r in rows}).values_list("upc", "pk"))
    errors = []
    for row in rows:
        row.location = locations.get(row.location_code)
        row.product_id = products.get(row.sku)
        if row.location is None:
            errors.append(RowError(row.line, f"unknown location {row.location_code!r}"))
        elif row.product_id is None:
            errors.append(RowError(row.line, f"unknown sku {row.sku!r}"))
    return errors


# --- applying -----------------------------------------------------------------------------


def import_stock(
    *,
    text: str,
    filename: str = "",
    skip_bad_rows: bool = False,
    idempotency_key: str | None = None,
    by=None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Check a feed whole, then apply it in one transaction (see the module docstring)."""
    checksum = hashlib.sha256(text.encode()).hexdigest()
    if idempotency_key:
        previous = StockImport.objects.filter(idempotency_key=idempotency_key).first()
        if previous is not None:
            return _already_applied(previous, checksum)
    mode, rows, errors = parse_feed(text, filename)
    errors += resolve(rows)
    if errors and not skip_bad_rows:
        raise FeedRejected(sorted(errors, key=lambda e: e.line))
    bad_lines = {e.line for e in errors}
    rows = [r for r in rows if r.line not in bad_lines]
    try:
        with transaction.atomic():
            stock_import = StockImport.objects.create(
                idempotency_key=idempotency_key or None,
                checksum=checksum,
                filename=filename[:255],
                mode=mode,
                user=by if by is not None and by.is_authenticated else None,
            )
            applied, late_errors = _apply(stock_import, mode, rows, progress)
            if late_errors and not skip_bad_rows:
                raise FeedRejected(sorted(late_errors, key=lambda e: e.line))
            skipped = sorted(errors + late_errors, key=lambda e: e.line)
            stock_import.rows_total = len(rows) + len(errors)
            stock_import.rows_applied = applied
            stock_import.skipped_rows = [{"line": e.line, "reason": e.reason} for e in skipped]
            stock_import.save(update_fields=["rows_total", "rows_applied", "skipped_rows"])
    except IntegrityError:
        # The same key was applied by a concurrent upload a moment ago.
        previous = StockImport.objects.filter(idempotency_key=idempotency_key).first()
        if previous is None:
            raise
        return _already_applied(previous, checksum)
    return ImportResult(stock_import, mode, stock_import.rows_total, applied, skipped)


def _already_applied(previous: StockImport, checksum: str) -> ImportResult:
    if previous.checksum and previous.checksum != checksum:
        raise FeedRejected(
            [
                RowError(
                    0,
                    f"idempotency key {previous.idempotency_key!r} was already used for a different file",
                )
            ]
        )
    skipped = [RowError(s["line"], s["reason"]) for s in previous.skipped_rows]
    return ImportResult(
        previous, previous.mode, previous.rows_total, 0, skipped, already_applied=True
    )


def _apply(
    stock_import: StockImport, mode: str, rows: list[FeedRow], progress
) -> tuple[int, list[RowError]]:
    by_location: dict[int, list[FeedRow]] = defaultdict(list)
    for row in rows:
        by_location[row.location.pk].append(row)
    applied, errors = 0, []
    for location_rows in by_location.values():
        done, refused = apply_feed(
            location=location_rows[0].location,
            rows=[BulkRow(row.line, row.product_id, row.quantity) for row in location_rows],
            counts=mode == StockImport.Mode.COUNT,
            stock_import=stock_import,
        )
        applied += done
        errors += [RowError(line, reason) for line, reason in refused]
        if progress:
            progress(len(location_rows))
    return applied, errors
