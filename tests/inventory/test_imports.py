"""Stock feeds: refused whole with the line and column of every bad cell, or applied in bulk
through the ledger."""

import json

import pytest
from django.core.management import CommandError, call_command
from oscar.core.loading import get_model

from apps.inventory import services
from apps.inventory.imports import FeedRejected, import_stock
from apps.inventory.models import StockImport, StockMovement
from apps.inventory.selectors import ledger_drift

StockRecord = get_model("partner", "StockRecord")


def on_hand(location, upc):
    return StockRecord.objects.get(partner_id=location.partner_id, product__upc=upc).num_in_stock


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_full_count_sets_on_hand_and_writes_adjustments(catalogue, store, other_store):
    result = import_stock(
        text="location,sku,on_hand\nleeds,SKU-1,4\nleeds,SKU-2,10\nyork,SKU-3,7\n"
    )
    assert (result.rows_total, result.rows_applied) == (3, 3)
    assert on_hand(store, "SKU-1") == 4
    assert on_hand(store, "SKU-2") == 10  # unchanged: no movement written
    assert on_hand(other_store, "SKU-3") == 7  # the record was created
    movements = StockMovement.objects.filter(stock_import=result.stock_import)
    assert sorted(movements.values_list("on_hand_delta", flat=True)) == [-6, 7]
    assert list(ledger_drift()) == []


def test_delta_feed_adds_receipts_and_corrections(catalogue, store):
    result = import_stock(text="location,sku,delta\nleeds,SKU-1,5\nleeds,SKU-2,-3\n")
    assert (on_hand(store, "SKU-1"), on_hand(store, "SKU-2")) == (15, 7)
    reasons = dict(
        StockMovement.objects.filter(stock_import=result.stock_import).values_list(
            "on_hand_delta", "reason"
        )
    )
    assert reasons == {5: "receipt", -3: "adjustment"}


def test_json_lines_feed(catalogue, store):
    lines = [
        {"location": "leeds", "sku": "SKU-1", "on_hand": 2},
        {"location": "leeds", "sku": "SKU-2", "on_hand": 0},
    ]
    import_stock(text="\n".join(json.dumps(x) for x in lines), filename="feed.jsonl")
    assert (on_hand(store, "SKU-1"), on_hand(store, "SKU-2")) == (2, 0)


BAD_FILE = (
    "location,sku,on_hand\n"
    "leeds,SKU-1,3\n"  # line 2: fine
    "leeds,NOPE,1\n"  # line 3: unknown sku
    "mars,SKU-2,1\n"  # line 4: unknown location
    "leeds,SKU-2,-1\n"  # line 5: negative count
    "leeds,SKU-3,two\n"  # line 6: not a number
    "leeds,SKU-1,5\n"  # line 7: duplicate of line 2
)

#: Every kind of bad cell, and two bad cells in one row (line 9): each one is reported.
BAD_CELLS = (
    "location,sku,on_hand\n"
    "leeds,SKU-1,3\n"  # line 2: fine
    "leeds,SKU-2,seven\n"  # line 3
    "york,SKU-3,-4\n"  # line 4
    "leeds,SKU-3,1000000001\n"  # line 5: MAX_UNITS + 1
    "leeds,NOPE,1\n"  # line 6
    "mars,SKU-3,1\n"  # line 7
    "leeds,SK\x00U-1,1\n"  # line 8
    "atlantis,SKU-\x07,1.5\n"  # line 9: three bad cells
    ",SKU-3,\n"  # line 10: two empty cells
    "york,SKU-1\n"  # line 11: a cell short
    "york,SKU-2,1,1\n"  # line 12: a cell too many
    "mars,SKU-1,99999999999999999999999999999999999999999999999999\n"  # line 13: two bad
)

BAD_CELL_ERRORS = [
    (3, "on_hand", "not a whole number ('seven')"),
    (4, "on_hand", "cannot be negative ('-4')"),
    (5, "on_hand", "must be at most 1,000,000,000 ('1000000001')"),
    (6, "sku", "unknown SKU 'NOPE'"),
    (7, "location", "unknown location 'mars'"),
    (8, "sku", "contains a control character (such as NUL): 'SK\\x00U-1'"),
    (9, "location", "unknown location 'atlantis'"),
    (9, "sku", "contains a control character (such as NUL): 'SKU-\\x07'"),
    (9, "on_hand", "not a whole number ('1.5')"),
    (10, "location", "is empty"),
    (10, "on_hand", "is empty"),
    (11, "on_hand", "missing from this line"),
    (12, None, "4 cells, the header has 3"),
    (13, "location", "unknown location 'mars'"),
    (
        13,
        "on_hand",
        "must be at most 1,000,000,000 ('9999999999999999999999999999999999999999...')",
    ),
]


def everything_written():
    """What an import can write: stock figures, records, ledger rows and import batches."""
    return (
        sorted(StockRecord.objects.values_list("pk", "num_in_stock", "num_allocated")),
        StockMovement.objects.count(),
        StockImport.objects.count(),
    )


def found(errors):
    return [(e.line, e.column, e.reason) for e in errors]


def test_every_bad_cell_is_named_by_line_and_column_and_nothing_is_written(catalogue, store):
    before = everything_written()
    with pytest.raises(FeedRejected) as rejected:
        import_stock(text=BAD_CELLS)
    assert found(rejected.value.errors) == BAD_CELL_ERRORS
    assert 'line 9, column "sku": contains a control character' in str(rejected.value)
    assert everything_written() == before


def test_a_file_with_bad_rows_is_rejected_whole_with_line_and_column(catalogue, store):
    before = everything_written()
    with pytest.raises(FeedRejected) as rejected:
        import_stock(text=BAD_FILE)
    assert found(rejected.value.errors) == [
        (3, "sku", "unknown SKU 'NOPE'"),
        (4, "location", "unknown location 'mars'"),
        (5, "on_hand", "cannot be negative ('-1')"),
        (6, "on_hand", "not a whole number ('two')"),
        (7, "sku", "duplicate of line 2 ('SKU-1' at 'leeds')"),
    ]
    assert str(rejected.value).startswith("nothing imported, 5 problems on 5 lines:\n")
    assert "line 6, column \"on_hand\": not a whole number ('two')" in str(rejected.value)
    assert on_hand(store, "SKU-1") == 10
    assert everything_written() == before


def test_a_delta_feed_names_its_own_column_and_bounds(catalogue, store):
    with pytest.raises(FeedRejected) as rejected:
        import_stock(
            text="location,sku,delta\nleeds,SKU-1,-1000000001\nleeds,SKU-2,+3\nleeds,SKU-3,-\n"
        )
    assert found(rejected.value.errors) == [
        (2, "delta", "must be at most ±1,000,000,000 ('-1000000001')"),
        (4, "delta", "not a whole number ('-')"),
    ]
    assert on_hand(store, "SKU-2") == 10


def test_json_lines_name_the_key_of_each_bad_value(catalogue, store):
    lines = [
        '{"location": "leeds", "sku": "SKU-1", "delta": 2}',
        '{"location": "leeds", "sku": "SKU-2", "delta": 1.5, "colour": "red"}',
        "not json",
        '{"location": ["leeds"], "sku": "SKU-\\u0000", "delta": true}',
        '{"location": "leeds", "delta": ' + "9" * 5000 + "}",
        "[" * 100_000,
    ]
    before = everything_written()
    with pytest.raises(FeedRejected) as rejected:
        import_stock(text="\n".join(lines), filename="feed.jsonl")
    assert found(rejected.value.errors) == [
        (2, "delta", "not a whole number ('1.5')"),
        (2, "colour", "not a column of this feed"),
        (3, None, "not valid JSON (Expecting value)"),
        (4, "location", "must be text, not '[\"leeds\"]'"),
        (4, "sku", "contains a control character (such as NUL): 'SKU-\\x00'"),
        (4, "delta", "not a whole number ('true')"),
        (5, None, "not valid JSON (too long or too deep)"),
        (6, None, "not valid JSON (too long or too deep)"),
    ]
    assert everything_written() == before


def test_skipped_cells_with_unprintable_names_are_stored_printable(catalogue, store):
    """A skipped row's errors are kept on the import (PostgreSQL refuses NUL in JSON text)."""
    lines = [
        '{"location": "leeds", "sku": "SKU-1", "delta": 2}',
        '{"location": "leeds", "sku": "SKU-\\ud800", "delta": 1, "bad\\u0000key": 1}',
    ]
    result = import_stock(text="\n".join(lines), filename="feed.jsonl", skip_bad_rows=True)
    assert found(result.skipped) == [
        (2, "sku", "contains a control character (such as NUL): 'SKU-\\ud800'"),
        (2, "bad\ufffdkey", "not a column of this feed"),
    ]
    result.stock_import.refresh_from_db()
    assert len(result.stock_import.skipped_rows) == 2
    assert on_hand(store, "SKU-1") == 12


def test_skip_bad_rows_imports_the_good_ones_and_reports_every_bad_cell(catalogue, store):
    result = import_stock(text=BAD_CELLS, skip_bad_rows=True)
    assert (result.rows_applied, result.rows_total) == (1, 12)  # 12 data lines, 11 of them bad
    assert found(result.skipped) == BAD_CELL_ERRORS
    assert on_hand(store, "SKU-1") == 3
    assert result.stock_import.skipped_rows[0] == {
        "line": 3,
        "column": "on_hand",
        "reason": "not a whole number ('seven')",
    }


def test_a_count_below_what_is_allocated_rejects_the_file(catalogue, store):
    product = catalogue[0]
    services.allocate(location=store, quantities={product.pk: 4})
    with pytest.raises(
        FeedRejected,
        match='line 2, column "on_hand": would leave 3 on hand at leeds but 4 are allocated',
    ):
        import_stock(text="location,sku,on_hand\nleeds,SKU-1,3\nleeds,SKU-2,1\n")
    assert (on_hand(store, "SKU-1"), on_hand(store, "SKU-2")) == (10, 10)


def test_a_row_refused_while_applying_undoes_the_other_locations_too(catalogue, store, other_store):
    """Rows are applied location by location, all in one transaction: York's refusal undoes
    what Leeds had already written."""
    services.receive(location=other_store, quantities={catalogue[0].pk: 5})
    services.allocate(location=other_store, quantities={catalogue[0].pk: 5})
    before = everything_written()
    with pytest.raises(FeedRejected) as rejected:
        import_stock(text="location,sku,delta\nleeds,SKU-1,4\nleeds,SKU-2,-3\nyork,SKU-1,-1\n")
    assert found(rejected.value.errors) == [
        (4, "delta", "would leave 4 on hand at york but 5 are allocated to orders")
    ]
    assert everything_written() == before


def test_a_delta_beyond_the_bound_of_on_hand_is_refused_with_its_cell(catalogue, store):
    services.receive(location=store, quantities={catalogue[0].pk: services.MAX_UNITS - 20})
    before = everything_written()
    with pytest.raises(FeedRejected) as rejected:
        import_stock(text="location,sku,delta\nleeds,SKU-1,11\n")
    assert found(rejected.value.errors) == [
        (2, "delta", "would leave 1,000,000,001 on hand at leeds, more than 1,000,000,000")
    ]
    assert everything_written() == before


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        ("", [(1, None, "the file is empty: it needs a header, location,sku,on_hand")]),
        ("\ufeff\n  \n", [(1, None, "the file is empty: it needs a header")]),
        ("location,on_hand\nleeds,1\n", [(1, "sku", "missing from the header")]),
        ("location,sku\nleeds,SKU-1\n", [(1, None, "the header needs an on_hand column")]),
        (
            "location,sku,qty\nleeds,SKU-1,1\n",
            [
                (1, "qty", "not a stock feed column (location, sku, on_hand, delta, bin_location)"),
                (1, None, "the header needs an on_hand column"),
            ],
        ),
        (
            "location,sku,on_hand,delta\nleeds,SKU-1,1,1\n",
            [(1, "delta", "a feed either sets on hand (on_hand) or adds to it (delta)")],
        ),
        ("location,sku,sku,on_hand\n", [(1, "sku", "appears twice in the header")]),
        ("location,sku,on_hand,\n", [(1, None, "column 4 of the header has no name")]),
        ('location,sku,on_hand\nleeds,"SKU-1,1\n', [(2, None, "not valid CSV")]),
        ('{"location": "leeds", "on_hand": 1}', [(1, "sku", "missing from the first object")]),
    ],
    ids=[
        "empty",
        "blank",
        "missing-sku",
        "missing-quantity",
        "unknown-column",
        "both-modes",
        "twice",
        "nameless",
        "broken-quote",
        "json-missing-sku",
    ],
)
def test_a_bad_header_or_file_is_refused_with_line_and_column(catalogue, text, errors):
    before = everything_written()
    with pytest.raises(FeedRejected) as rejected:
        import_stock(text=text)
    got = found(rejected.value.errors)
    assert [(line, column) for line, column, _ in got] == [(line, col) for line, col, _ in errors]
    for (_, _, reason), (_, _, start) in zip(got, errors, strict=True):
        assert reason.startswith(start)
    assert everything_written() == before


def test_the_same_idempotency_key_twice_changes_nothing(catalogue, store):
    feed = "location,sku,delta\nleeds,SKU-1,5\n"
    first = import_stock(text=feed, idempotency_key="delivery-77")
    again = import_stock(text=feed, idempotency_key="delivery-77")
    assert not first.already_applied and again.already_applied
    assert on_hand(store, "SKU-1") == 15
    assert StockImport.objects.filter(idempotency_key="delivery-77").count() == 1


def test_an_idempotency_key_reused_for_another_file_is_refused(catalogue, store):
    import_stock(text="location,sku,delta\nleeds,SKU-1,5\n", idempotency_key="k")
    with pytest.raises(FeedRejected, match="already used for a different file"):
        import_stock(text="location,sku,delta\nleeds,SKU-1,6\n", idempotency_key="k")
    assert on_hand(store, "SKU-1") == 15


def test_an_overlong_idempotency_key_is_refused_before_anything_is_written(catalogue, store):
    before = everything_written()
    with pytest.raises(FeedRejected, match="idempotency key must be at most 128"):
        import_stock(text="location,sku,delta\nleeds,SKU-1,5\n", idempotency_key="k" * 129)
    assert everything_written() == before


def test_command_exits_non_zero_with_line_and_column_on_a_bad_file(catalogue, store, tmp_path):
    path = write(tmp_path, "bad.csv", BAD_CELLS)
    before = everything_written()
    with pytest.raises(CommandError) as failed:
        call_command("import_stock", path, "--no-progress")
    assert "line 6, column \"sku\": unknown SKU 'NOPE'" in str(failed.value)
    assert 'line 9, column "on_hand": not a whole number' in str(failed.value)
    assert everything_written() == before


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        (BAD_CELLS, 'line 4, column "on_hand": cannot be negative'),
        ("", "line 1: the file is empty"),
        ("location,on_hand\nleeds,1\n", 'line 1, column "sku": missing from the header'),
    ],
    ids=["bad-cells", "empty", "missing-column"],
)
def test_command_line_run_exits_1_with_the_cell_and_no_traceback(
    catalogue, store, tmp_path, capsys, monkeypatch, text, printed
):
    """As ``manage.py import_stock`` runs it: a message and exit status 1, never a traceback.
    (The run's closing of connections is left out: the test's transaction still needs its own.)"""
    from django.db import connections

    from apps.inventory.management.commands.import_stock import Command

    monkeypatch.setattr(connections, "close_all", lambda: None)
    path = write(tmp_path, "bad.csv", text)
    before = everything_written()
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "import_stock", path, "--no-progress"])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert printed in err
    assert "Traceback" not in err
    assert everything_written() == before


def test_command_says_why_it_cannot_read_a_file(db, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"location,sku,on_hand\nleeds,caf\xe9,1\n")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_stock", str(path), "--no-progress")


def test_command_imports_with_skip_and_key(catalogue, store, tmp_path, capsys):
    path = write(tmp_path, "feed.csv", BAD_FILE)
    call_command(
        "import_stock", path, "--skip-bad-rows", "--idempotency-key", "k1", "--no-progress"
    )
    captured = capsys.readouterr()
    assert "Imported 1 of 6 rows" in captured.out
    assert "skipped line 5, column \"on_hand\": cannot be negative ('-1')" in captured.err
    call_command(
        "import_stock", path, "--skip-bad-rows", "--idempotency-key", "k1", "--no-progress"
    )
    assert "nothing changed" in capsys.readouterr().out
    assert on_hand(store, "SKU-1") == 3
