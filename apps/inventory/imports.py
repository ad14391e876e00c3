"""Stock feeds: CSV, XLSX or JSON lines, ``location,sku,on_hand`` (a full count) or
``location,sku,delta``, with an optional ``bin_location`` column (where the product sits in that
store: a cell, even a blank one, sets it; a file without the column leaves bins alone).

Every cell is checked before anything is written, and each bad one is reported by its line and
its column (the header's name): ``line 7, column "on_hand": not a whole number ('seven')``. A
file with any bad cell changes nothing, unless the caller asked to skip bad rows; then the good
rows are applied and the bad ones reported. The writes are ``services.apply_feed`` (one locked
read, one bulk update and one bulk insert of ledger rows per location), all inside one
transaction: a row refused while applying (it would leave fewer units on hand than are promised
to orders) undoes the rows applied before it.

``preview_feed`` reads a feed the same way and says what each row would do (on hand before and
after, the bin before and after, or why it would be refused) without writing anything; the
dashboard applies a file only after its preview, checked against the previewed checksum.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import tablib
from django.db import IntegrityError, transaction
from oscar.core.loading import get_model

from apps.stores.models import Location

from .bounds import MAX_UNITS
from .models import StockImport
from .services import BulkRow, apply_feed

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

LOCATION, SKU, BIN = "location", "sku", "bin_location"
#: The quantity column names the feed's mode (``StockImport.Mode``).
QUANTITY_COLUMNS = (StockImport.Mode.COUNT.value, StockImport.Mode.DELTA.value)
COLUMNS = (LOCATION, SKU, *QUANTITY_COLUMNS, BIN)
HEADERS_HELP = (
    "location,sku,on_hand (a full count) or location,sku,delta (receipts and corrections), "
    "and optionally bin_location"
)
#: The longest bin location a stock record holds.
BIN_LENGTH = StockRecord._meta.get_field("bin_location").max_length
#: What an .xlsx file (a zip archive) starts with.
ZIP_MAGIC = b"PK\x03\x04"
#: No location code or SKU holds a control character (PostgreSQL refuses NUL in text, and a
#: tab or newline in a code is a broken export) or a lone surrogate (not UTF-8).
UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
#: How much of a bad cell an error quotes back.
SHOWN = 40


@dataclass(frozen=True)
class RowError:
    """One problem in a feed: its line, its column (the header's name; None when it is about
    the whole line) and what is wrong. Line 0 is the file as a whole."""

    line: int
    column: str | None
    reason: str

    def __str__(self):
        where = [f"line {self.line}"] if self.line else []
        if self.column is not None:
            where.append(f"column {json.dumps(self.column, ensure_ascii=False)}")
        return f"{', '.join(where)}: {self.reason}" if where else self.reason

    def as_json(self) -> dict:
        return {"line": self.line, "column": self.column, "reason": self.reason}


@dataclass
class FeedRow:
    """A data row. A code or quantity is None when its cell was bad; only rows with none bad
    (and both codes found) are applied."""

    line: int
    location_code: str | None
    sku: str | None
    quantity: int | None
    location: Location | None = None
    product_id: int | None = None
    #: The bin to set; None when the file has no bin_location column (or the cell was bad).
    bin_location: str | None = None


class FeedRejected(Exception):
    """The file was refused whole; nothing changed."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        shown = "\n".join(str(e) for e in errors[:50])
        more = f"\n... and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"nothing imported, {_problems(errors)}:\n{shown}{more}")


def _problems(errors: list[RowError]) -> str:
    lines = len({e.line for e in errors})
    return f"{len(errors)} problem{'s' * (len(errors) != 1)} on {lines} line{'s' * (lines != 1)}"


@dataclass
class ImportResult:
    stock_import: StockImport
    mode: str
    rows_total: int
    rows_applied: int
    skipped: list[RowError] = field(default_factory=list)
    already_applied: bool = False
    bins_changed: int = 0


def checksum_of(text: str) -> str:
    """The SHA-256 a feed is known by: its preview and its import must name the same one."""
    return hashlib.sha256(text.encode(errors="surrogatepass")).hexdigest()


def _xlsx_cell(value) -> str:
    """A spreadsheet cell as the text a CSV file would hold (a whole number without ".0")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_upload(data: bytes, filename: str = "") -> str:
    """An uploaded feed as text: an .xlsx workbook's first sheet read through tablib and written
    as CSV (its rows keep their numbers, so errors name the spreadsheet's rows), else UTF-8.
    Raises FeedRejected when it is neither."""
    if filename.lower().endswith(".xlsx") or data.startswith(ZIP_MAGIC):
        try:
            sheet = tablib.Dataset().load(io.BytesIO(data), format="xlsx")
        except Exception as exc:  # openpyxl raises many kinds on a broken workbook
            raise FeedRejected(
                [RowError(0, None, f"not a readable .xlsx workbook ({type(exc).__name__})")]
            ) from exc
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(_xlsx_cell(v) for v in sheet.headers or [])
        for row in sheet:
            writer.writerow(_xlsx_cell(v) for v in row)
        return out.getvalue()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FeedRejected(
            [RowError(0, None, "the file must be UTF-8 text (CSV or JSON lines) or an .xlsx")]
        ) from exc


# --- reading ------------------------------------------------------------------------------


def _shown(value) -> str:
    """A cell as an error quotes it: repr (control characters escaped), cut short."""
    text = value if isinstance(value, str) else json.dumps(value)
    return repr(text if len(text) <= SHOWN else text[:SHOWN] + "...")


def _named(column: str) -> str:
    """A column name from the file as an error names it: cut short, unprintable characters
    replaced (an error is printed, stored and shown)."""
    return UNPRINTABLE.sub("\N{REPLACEMENT CHARACTER}", column[:SHOWN])


def _csv_lines(text: str) -> Iterator[tuple[int, list[str] | RowError]]:
    """(line number, cells) of each CSV record that is not blank. A record the csv module cannot
    read ends the file as a RowError: past broken quoting, nothing can be told apart."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield reader.line_num, RowError(reader.line_num, None, f"not valid CSV ({exc})")
            return
        if any(cell.strip() for cell in cells):
            yield reader.line_num, cells


def _json_lines(text: str) -> Iterator[tuple[int, dict | RowError]]:
    """(line number, object) of each JSON line that is not blank, or the line's RowError."""
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield number, RowError(number, None, f"not valid JSON ({exc.msg})")
            continue
        except (ValueError, RecursionError):  # a number of thousands of digits, deep nesting
            yield number, RowError(number, None, "not valid JSON (too long or too deep)")
            continue
        if not isinstance(record, dict):
            yield number, RowError(number, None, "each line must be a JSON object")
            continue
        yield number, record


def _is_json_lines(text: str, filename: str) -> bool:
    named_json = filename.lower().endswith((".jsonl", ".ndjson", ".json"))
    return named_json or text.lstrip().startswith("{")


def _records(text: str, filename: str):
    """(header line, column names, records): each record is (line, {column: cell}) or a
    RowError. The names are [] for an empty file and None when no header could be read. A CSV
    row with cells beyond the header comes with a RowError of its own; a JSON file's columns
    are the keys of its first object (which is also its first record)."""
    if _is_json_lines(text, filename):
        records = list(_json_lines(text))
        first = next(((n, r) for n, r in records if isinstance(r, dict)), None)
        if first is None:
            return 1, (None if records else []), records
        return first[0], [str(key).strip() for key in first[1]], records
    lines = _csv_lines(text)
    number, first = next(lines, (1, []))
    if isinstance(first, RowError):
        return number, None, [(number, first)]
    header = [name.strip() for name in first]
    return number, header, _csv_records(header, lines)


def _csv_records(header: list[str], lines) -> Iterator[tuple[int, dict | RowError]]:
    """Each CSV record as {column: cell}; a short row lacks the last columns."""
    for line, cells in lines:
        if isinstance(cells, RowError):
            yield line, cells
            continue
        if len(cells) > len(header):
            yield line, RowError(line, None, f"{len(cells)} cells, the header has {len(header)}")
        yield line, dict(zip(header, cells, strict=False))


def _check_header(line: int, header: list[str], where: str) -> tuple[str | None, list[RowError]]:
    """The feed's mode, or the header's problems, column by column."""
    if not header:
        return None, [RowError(line, None, f"the file is empty: it needs a header, {HEADERS_HELP}")]
    errors, seen = [], set()
    for position, name in enumerate(header, start=1):
        if not name:
            errors.append(RowError(line, None, f"column {position} of {where} has no name"))
        elif name in seen:
            errors.append(RowError(line, _named(name), f"appears twice in {where}"))
        elif name not in COLUMNS:
            errors.append(
                RowError(
                    line,
                    _named(name),
                    "not a stock feed column (location, sku, on_hand, delta, bin_location)",
                )
            )
        seen.add(name)
    for name in (LOCATION, SKU):
        if name not in seen:
            errors.append(RowError(line, name, f"missing from {where}"))
    quantities = [name for name in QUANTITY_COLUMNS if name in seen]
    if not quantities:
        errors.append(
            RowError(
                line,
                None,
                f"{where} needs an on_hand column (a full count) or a delta column (receipts "
                "and corrections)",
            )
        )
    elif len(quantities) > 1:
        errors.append(
            RowError(line, "delta", "a feed either sets on hand (on_hand) or adds to it (delta)")
        )
    return (None if errors else quantities[0]), errors


def _code(line: int, column: str, value, errors: list[RowError]) -> str | None:
    """A location code or SKU cell, stripped, or None (and its error) if it cannot be one."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        if value is None:
            errors.append(RowError(line, column, "is empty"))
        else:
            errors.append(RowError(line, column, f"must be text, not {_shown(value)}"))
        return None
    text = str(value).strip()
    if not text:
        errors.append(RowError(line, column, "is empty"))
        return None
    if UNPRINTABLE.search(text):
        errors.append(
            RowError(line, column, f"contains a control character (such as NUL): {_shown(text)}")
        )
        return None
    return text


def _quantity(line: int, mode: str, value, errors: list[RowError]) -> int | None:
    """The quantity cell as a whole number within bounds, or None (and its error)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.append(RowError(line, mode, "is empty"))
        return None
    text = (value if isinstance(value, str) else json.dumps(value)).strip()
    unsigned = text.removeprefix("-") if text.startswith("-") else text.removeprefix("+")
    if isinstance(value, bool) or not (unsigned.isascii() and unsigned.isdigit()):
        errors.append(RowError(line, mode, f"not a whole number ({_shown(value)})"))
        return None
    digits = unsigned.lstrip("0") or "0"
    negative = text.startswith("-") and digits != "0"
    if negative and mode == StockImport.Mode.COUNT:
        errors.append(RowError(line, mode, f"cannot be negative ({_shown(value)})"))
        return None
    # Compared as text first: a cell of thousands of digits is never turned into an int.
    if len(digits) > len(str(MAX_UNITS)) or int(digits) > MAX_UNITS:
        bound = f"{MAX_UNITS:,}" if mode == StockImport.Mode.COUNT else f"±{MAX_UNITS:,}"
        errors.append(RowError(line, mode, f"must be at most {bound} ({_shown(value)})"))
        return None
    return -int(digits) if negative else int(digits)


def _bin(line: int, value, errors: list[RowError]) -> str | None:
    """A bin_location cell: text of at most BIN_LENGTH printable characters ("" clears it)."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        errors.append(RowError(line, BIN, f"must be text, not {_shown(value)}"))
        return None
    text = str(value).strip()
    if UNPRINTABLE.search(text):
        errors.append(
            RowError(line, BIN, f"contains a control character (such as NUL): {_shown(text)}")
        )
        return None
    if len(text) > BIN_LENGTH:
        errors.append(RowError(line, BIN, f"at most {BIN_LENGTH} characters ({_shown(text)})"))
        return None
    return text


def _check_record(
    line: int, record: dict, mode: str, errors: list[RowError], *, with_bins: bool = False
) -> FeedRow:
    """Check every cell of a data row; each bad one adds its error."""
    cells = {str(column).strip(): value for column, value in record.items()}
    for column in cells:
        if column not in (LOCATION, SKU, mode) and not (with_bins and column == BIN):
            errors.append(RowError(line, _named(column), "not a column of this feed"))
    values = {}
    for column in (LOCATION, SKU, mode):
        if column not in cells:
            errors.append(RowError(line, column, "missing from this line"))
            values[column] = None
        elif column == mode:
            values[column] = _quantity(line, mode, cells[column], errors)
        else:
            values[column] = _code(line, column, cells[column], errors)
    row = FeedRow(line, values[LOCATION], values[SKU], values[mode])
    if with_bins and BIN in cells:  # a JSON line without the key leaves the bin as it is
        row.bin_location = _bin(line, cells[BIN], errors)
    return row


def parse_feed(text: str, filename: str = "") -> tuple[str, list[FeedRow], list[RowError]]:
    """Read the feed and check the shape of every cell (no database). Raises FeedRejected
    when the header (or the file) cannot be read at all."""
    text = text.lstrip("\ufeff")
    json_lines = _is_json_lines(text, filename)
    header_line, header, records = _records(text, filename)
    if header is None:  # no readable header: the records are the problems
        raise FeedRejected([r for _, r in records if isinstance(r, RowError)])
    mode, errors = _check_header(
        header_line, header, "the first object" if json_lines else "the header"
    )
    if mode is None:
        raise FeedRejected(errors)
    rows, seen = [], {}
    with_bins = BIN in header
    for line, record in records:
        if isinstance(record, RowError):
            errors.append(record)
            continue
        row = _check_record(line, record, mode, errors, with_bins=with_bins)
        rows.append(row)
        if row.location_code is not None and row.sku is not None:
            key = (row.location_code, row.sku)
            if key in seen:
                where = f"{_shown(row.sku)} at {_shown(row.location_code)}"
                errors.append(RowError(line, SKU, f"duplicate of line {seen[key]} ({where})"))
            else:
                seen[key] = line
    return mode, rows, errors


def resolve(rows: list[FeedRow]) -> list[RowError]:
    """Attach locations and products to rows (two queries); report codes that name nothing.
    Only well-formed codes reach the database."""
    codes = {r.location_code for r in rows if r.location_code is not None}
    skus = {r.sku for r in rows if r.sku is not None}
    locations = Location.objects.in_bulk(codes, field_name="code")
    products = dict(Product.objects.filter(upc__in=skus).values_list("upc", "pk"))
    errors = []
    for row in rows:
        if row.location_code is not None:
            row.location = locations.get(row.location_code)
            if row.location is None:
                errors.append(
                    RowError(row.line, LOCATION, f"unknown location {_shown(row.location_code)}")
                )
        if row.sku is not None:
            row.product_id = products.get(row.sku)
            if row.product_id is None:
                errors.append(RowError(row.line, SKU, f"unknown SKU {_shown(row.sku)}"))
    return errors


# --- previewing ---------------------------------------------------------------------------


@dataclass
class RowPreview:
    """What one row of a feed would do: on hand and the bin before and after, or why it would
    be refused (then nothing of it is applied)."""

    line: int
    location_code: str
    sku: str
    title: str = ""
    on_hand: int | None = None
    new_on_hand: int | None = None
    allocated: int = 0
    bin_location: str | None = None
    new_bin_location: str | None = None
    refused: list[RowError] = field(default_factory=list)

    @property
    def changes_stock(self) -> bool:
        return not self.refused and self.new_on_hand != self.on_hand

    @property
    def changes_bin(self) -> bool:
        return (
            not self.refused
            and self.new_bin_location is not None
            and self.new_bin_location != self.bin_location
        )


@dataclass
class FeedPreview:
    checksum: str
    filename: str
    mode: str
    rows: list[RowPreview]
    #: Every problem, by line (the rows' own and the file's).
    errors: list[RowError]

    @property
    def mode_label(self) -> str:
        return str(StockImport.Mode(self.mode).label)

    @property
    def stock_changes(self) -> int:
        return sum(row.changes_stock for row in self.rows)

    @property
    def bin_changes(self) -> int:
        return sum(row.changes_bin for row in self.rows)

    @property
    def refused(self) -> int:
        return len({e.line for e in self.errors})


def preview_feed(text: str, filename: str = "") -> FeedPreview:
    """What importing the feed would do, row by row, read without a lock and without writing
    anything (the import checks again when it applies). Raises FeedRejected when the header or
    the file cannot be read at all."""
    filename = UNPRINTABLE.sub("", filename)[:255]
    mode, rows, errors = parse_feed(text, filename)
    errors += resolve(rows)
    found = [r for r in rows if r.location is not None and r.product_id is not None]
    current = {
        (partner, product): (on_hand, allocated, bin_location)
        for partner, product, on_hand, allocated, bin_location in StockRecord.objects.filter(
            partner_id__in={r.location.partner_id for r in found},
            product_id__in={r.product_id for r in found},
        ).values_list("partner_id", "product_id", "num_in_stock", "num_allocated", "bin_location")
    }
    titles = dict(
        Product.objects.filter(pk__in={r.product_id for r in found}).values_list("pk", "title")
    )
    by_line = defaultdict(list)
    for error in errors:
        by_line[error.line].append(error)
    previews = []
    for row in rows:
        preview = RowPreview(row.line, row.location_code or "", row.sku or "")
        previews.append(preview)
        preview.refused = by_line[row.line]
        if row.location is None or row.product_id is None:
            continue
        on_hand, allocated, bin_location = current.get(
            (row.location.partner_id, row.product_id), (0, 0, "")
        )
        preview.title = titles.get(row.product_id, "")
        preview.on_hand, preview.allocated, preview.bin_location = on_hand, allocated, bin_location
        preview.new_bin_location = row.bin_location
        if row.quantity is None:
            continue
        target = row.quantity if mode == StockImport.Mode.COUNT else on_hand + row.quantity
        preview.new_on_hand = target
        refusal = None
        if target > MAX_UNITS:
            refusal = (
                f"would leave {target:,} on hand at {row.location.code}, more than {MAX_UNITS:,}"
            )
        elif target < allocated:
            refusal = (
                f"would leave {target} on hand at {row.location.code} but {allocated} are "
                "allocated to orders"
            )
        if refusal and not preview.refused:
            error = RowError(row.line, mode, refusal)
            preview.refused.append(error)
            errors.append(error)
    return FeedPreview(checksum_of(text), filename, mode, previews, _in_order(errors))


# --- applying -----------------------------------------------------------------------------


def import_stock(
    *,
    text: str,
    filename: str = "",
    skip_bad_rows: bool = False,
    idempotency_key: str | None = None,
    by=None,
    progress: Callable[[int], None] | None = None,
    previewed: str | None = None,
) -> ImportResult:
    """Check a feed whole, then apply it in one transaction (see the module docstring).
    ``previewed`` is the checksum of the file whose preview was confirmed: another file is
    refused (it must be previewed first)."""
    checksum = checksum_of(text)
    if previewed is not None and previewed != checksum:
        raise FeedRejected(
            [RowError(0, None, "the file is not the one previewed: preview it again first")]
        )
    filename = UNPRINTABLE.sub("", filename)[:255]
    if idempotency_key and (len(idempotency_key) > 128 or UNPRINTABLE.search(idempotency_key)):
        raise FeedRejected(
            [RowError(0, None, "the idempotency key must be at most 128 printable characters")]
        )
    if idempotency_key:
        previous = StockImport.objects.filter(idempotency_key=idempotency_key).first()
        if previous is not None:
            return _already_applied(previous, checksum)
    mode, rows, errors = parse_feed(text, filename)
    errors += resolve(rows)
    if errors and not skip_bad_rows:
        raise FeedRejected(_in_order(errors))
    bad_lines = {e.line for e in errors}
    rows = [r for r in rows if r.line not in bad_lines]
    try:
        with transaction.atomic():
            stock_import = StockImport.objects.create(
                idempotency_key=idempotency_key or None,
                checksum=checksum,
                filename=filename,
                mode=mode,
                user=by if by is not None and by.is_authenticated else None,
            )
            applied, late_errors = _apply(stock_import, mode, rows, progress)
            if late_errors and not skip_bad_rows:
                raise FeedRejected(_in_order(late_errors))
            refused = {e.line for e in late_errors}
            bins = set_bins([r for r in rows if r.line not in refused])
            skipped = _in_order(errors + late_errors)
            stock_import.rows_total = len(rows) + len(bad_lines)
            stock_import.rows_applied = applied
            stock_import.skipped_rows = [e.as_json() for e in skipped]
            stock_import.save(update_fields=["rows_total", "rows_applied", "skipped_rows"])
    except IntegrityError:
        # The same key was applied by a concurrent upload a moment ago.
        previous = (
            StockImport.objects.filter(idempotency_key=idempotency_key).first()
            if idempotency_key
            else None
        )
        if previous is None:
            raise
        return _already_applied(previous, checksum)
    return ImportResult(stock_import, mode, stock_import.rows_total, applied, skipped, False, bins)


def set_bins(rows: list[FeedRow]) -> int:
    """Set the bin location of each row's stock record that the feed moves (a bin is where the
    product sits, not stock: no ledger row). Returns how many changed. Call it inside the
    caller's transaction, after the records exist."""
    wanted = {
        (row.location.partner_id, row.product_id): row.bin_location
        for row in rows
        if row.bin_location is not None
    }
    if not wanted:
        return 0
    records = StockRecord.objects.filter(
        partner_id__in={partner for partner, _ in wanted},
        product_id__in={product for _, product in wanted},
    ).only("pk", "partner_id", "product_id", "bin_location")
    changed = []
    for record in records:
        new = wanted.get((record.partner_id, record.product_id))
        if new is not None and new != record.bin_location:
            record.bin_location = new
            changed.append(record)
    StockRecord.objects.bulk_update(changed, ["bin_location"], batch_size=1000)
    return len(changed)


def _in_order(errors: list[RowError]) -> list[RowError]:
    """By line, then in column order (the header's, whole-line problems first)."""
    rank = {name: i for i, name in enumerate(COLUMNS)}
    return sorted(
        errors, key=lambda e: (e.line, -1 if e.column is None else rank.get(e.column, len(rank)))
    )


def _already_applied(previous: StockImport, checksum: str) -> ImportResult:
    if previous.checksum and previous.checksum != checksum:
        raise FeedRejected(
            [
                RowError(
                    0,
                    None,
                    f"idempotency key {previous.idempotency_key!r} was already used for a different file",
                )
            ]
        )
    skipped = [RowError(s["line"], s.get("column"), s["reason"]) for s in previous.skipped_rows]
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
        errors += [RowError(line, mode, reason) for line, reason in refused]
        if progress:
            progress(len(location_rows))
    return applied, errors
