"""Only ``apps/inventory/services.py`` changes stock counts or writes the ledger.

The source tree is read with ``ast``: a module that assigns ``num_in_stock`` or ``num_allocated``
(on a stock record or an order line), passes them as a value to a query or a constructor,
names them among the fields of a bulk write, or creates ``StockMovement`` rows, fails the test
with the file and line. Migrations may backfill, and are left out.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ROOT / "apps"
THE_ONE_WRITER = APPS / "inventory" / "services.py"
COUNTS = {"num_in_stock", "num_allocated"}
#: Calls whose keyword ``num_in_stock=...`` writes (a lookup such as ``filter`` only reads).
WRITING_CALLS = {"update", "create", "get_or_create", "update_or_create", "StockRecord", "Line"}
#: Calls whose string arguments name the fields they write.
FIELD_LIST_CALLS = {"bulk_update", "insert_rows", "set_column"}
LEDGER_WRITES = {"create", "bulk_create", "get_or_create", "update_or_create", "update"}


def _name(node) -> str:
    """The called name: ``update`` for ``qs.update(...)``, ``StockRecord`` for ``StockRecord()``."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _mentions_ledger(node) -> bool:
    """``StockMovement`` or ``StockMovement.objects`` (also through a queryset chain)."""
    while isinstance(node, ast.Attribute | ast.Call):
        node = node.func if isinstance(node, ast.Call) else node.value
    return isinstance(node, ast.Name) and node.id == "StockMovement"


def stock_writes(source: str) -> list[tuple[int, str]]:
    """(line, what) for every write of a stock count or a ledger row in the source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr in COUNTS:
                    found.append((node.lineno, f"assigns .{target.attr}"))
        if not isinstance(node, ast.Call):
            continue
        called = _name(node.func)
        for keyword in node.keywords:
            if keyword.arg in COUNTS and called in WRITING_CALLS:
                found.append((node.lineno, f"{called}({keyword.arg}=...)"))
            if keyword.arg == "update_fields" or (
                keyword.arg == "fields" and called in FIELD_LIST_CALLS
            ):
                for item in ast.walk(keyword.value):
                    if isinstance(item, ast.Constant) and item.value in COUNTS:
                        found.append((node.lineno, f"{called}({keyword.arg}=[{item.value!r}])"))
        if called in FIELD_LIST_CALLS:
            for arg in node.args:
                for item in ast.walk(arg):
                    if isinstance(item, ast.Constant) and item.value in COUNTS:
                        found.append((node.lineno, f"{called}(... {item.value!r} ...)"))
        if called == "StockMovement" or (called in LEDGER_WRITES and _mentions_ledger(node.func)):
            found.append((node.lineno, "writes StockMovement rows"))
        if (
            called in ("insert_rows", "set_column")
            and node.args
            and _name(node.args[0])
            in (
                "StockMovement",
                "StockRecord",
            )
        ):
            found.append((node.lineno, f"{called}({_name(node.args[0])}, ...)"))
    return found


def test_only_the_inventory_services_write_stock_counts_or_the_ledger():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in sorted(APPS.rglob("*.py"))
        if "migrations" not in path.parts and path != THE_ONE_WRITER
        for line, what in stock_writes(path.read_text())
    ]
    assert offenders == []


def test_the_inventory_services_are_where_the_writes_are():
    """The scan finds the writes it looks for (so an empty list above means something)."""
    kinds = {what.split("(")[0] for _, what in stock_writes(THE_ONE_WRITER.read_text())}
    assert {"writes StockMovement rows", "update", "assigns .num_allocated"} <= kinds


@pytest.mark.parametrize(
    "code",
    [
        "record.num_in_stock = 5",
        "line.num_allocated -= 1",
        "StockRecord.objects.filter(pk=1).update(num_allocated=F('num_allocated') + 1)",
        "order.lines.update(num_allocated=0)",
        "StockRecord(partner=p, product=q, num_in_stock=3)",
        "record.save(update_fields=['num_in_stock'])",
        "StockRecord.objects.bulk_update(records, ['num_allocated'])",
        "insert_rows(StockMovement, FIELDS, rows)",
        "StockMovement.objects.create(stockrecord=r, reason='receipt')",
        "StockMovement.objects.bulk_create(rows)",
        "StockMovement(stockrecord=r)",
        "set_column(StockRecord, 'num_in_stock', values)",
    ],
)
def test_each_way_of_writing_stock_is_caught(code):
    assert stock_writes(code), code


@pytest.mark.parametrize(
    "code",
    [
        "StockRecord.objects.filter(num_in_stock__gt=F('num_allocated'))",
        "records.values_list('pk', 'num_in_stock')",
        "record.refresh_from_db(fields=['num_in_stock', 'num_allocated'])",
        "StockMovement.objects.filter(order=order).count()",
        "total = record.num_in_stock - record.num_allocated",
    ],
)
def test_reads_are_not_writes(code):
    assert stock_writes(code) == []
