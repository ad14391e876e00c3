"""Stock feeds: refused whole with line numbers, or applied in bulk through the ledger."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from oscar.core.loading import get_model

from apps.inventory import services
from apps.inventory.imports import FeedRejected, import_stock
from apps.inventory.models import StockImport, StockMovement
from apps.inventory.selectors import ledger_drift
from tests.factories import ProductFactory, UserFactory, stock

StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def catalogue(db, store, other_store):
    products = [ProductFactory(upc=f"SKU-{i}", title=f"Thing {i}") for i in range(1, 4)]
    for p in products:
        stock(store, p, 10)
    return products


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
    "leeds,SKU-3,two\n"  # line 6: bad number
    "leeds,SKU-1,5\n"  # line 7: duplicate of line 2
)


def test_a_file_with_bad_rows_is_rejected_whole_with_line_numbers(catalogue, store):
    before = StockMovement.objects.count(), StockImport.objects.count()
    with pytest.raises(FeedRejected) as rejected:
        import_stock(text=BAD_FILE)
    assert [(e.line, e.reason) for e in rejected.value.errors] == [
        (3, "unknown sku 'NOPE'"),
        (4, "unknown location 'mars'"),
        (5, "on_hand cannot be negative (-1)"),
        (6, "on_hand must be a whole number, not 'two'"),
        (7, "duplicate of line 2 (leeds, SKU-1)"),
    ]
    assert on_hand(store, "SKU-1") == 10
    assert (StockMovement.objects.count(), StockImport.objects.count()) == before


def test_skip_bad_rows_imports_the_good_ones_and_reports_exactly_the_bad(catalogue, store):
    result = import_stock(text=BAD_FILE, skip_bad_rows=True)
    assert result.rows_applied == 1
    assert [e.line for e in result.skipped] == [3, 4, 5, 6, 7]
    assert on_hand(store, "SKU-1") == 3
    assert [s["line"] for s in result.stock_import.skipped_rows] == [3, 4, 5, 6, 7]


def test_a_count_below_what_is_allocated_rejects_the_file(catalogue, store):
    product = catalogue[0]
    services.allocate(location=store, quantities={product.pk: 4})
    with pytest.raises(
        FeedRejected, match="line 2: would leave 3 on hand at leeds but 4 are allocated"
    ):
        import_stock(text="location,sku,on_hand\nleeds,SKU-1,3\nleeds,SKU-2,1\n")
    assert (on_hand(store, "SKU-1"), on_hand(store, "SKU-2")) == (10, 10)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "store,product,qty\nleeds,SKU-1,1\n",
        "location,sku\nleeds,SKU-1\n",
        "location,sku,on_hand,delta\nleeds,SKU-1,1,1\n",
    ],
    ids=["empty", "wrong-names", "missing-column", "both-modes"],
)
def test_a_wrong_header_is_refused(catalogue, text):
    with pytest.raises(
        FeedRejected, match="line 1: header must be location,sku,on_hand or location,sku,delta"
    ):
        import_stock(text=text)


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


def test_command_exits_non_zero_with_line_numbers_on_a_bad_file(catalogue, store, tmp_path):
    path = write(tmp_path, "bad.csv", BAD_FILE)
    with pytest.raises(CommandError) as failed:
        call_command("import_stock", path, "--no-progress")
    assert "line 3: unknown sku 'NOPE'" in str(failed.value)
    assert "line 7: duplicate of line 2" in str(failed.value)
    assert on_hand(store, "SKU-1") == 10


def test_command_imports_with_skip_and_key(catalogue, store, tmp_path, capsys):
    path = write(tmp_path, "feed.csv", BAD_FILE)
    call_command(
        "import_stock", path, "--skip-bad-rows", "--idempotency-key", "k1", "--no-progress"
    )
    captured = capsys.readouterr()
    assert "Imported 1 of 6 rows" in captured.out
    assert "skipped line 5: on_hand cannot be negative (-1)" in captured.err
    call_command(
        "import_stock", path, "--skip-bad-rows", "--idempotency-key", "k1", "--no-progress"
    )
    assert "nothing changed" in capsys.readouterr().out
    assert on_hand(store, "SKU-1") == 3


def test_merchandiser_uploads_a_feed_in_the_dashboard(catalogue, store, client):
    merchandiser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(merchandiser)
    url = reverse("dashboard:stock-import")
    assert client.get(url).status_code == 200

    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("bad.csv", BAD_FILE.encode())
    response = client.post(url, {"file": bad})
    assert response.status_code == 400
    assert "line 3: unknown sku" in response.content.decode()
    assert on_hand(store, "SKU-1") == 10

    good = SimpleUploadedFile("good.csv", b"location,sku,delta\nleeds,SKU-1,2\n")
    response = client.post(url, {"file": good}, follow=True)
    assert "Imported 1 of 1 rows from good.csv" in response.content.decode()
    assert on_hand(store, "SKU-1") == 12
    assert StockImport.objects.get(filename="good.csv").user == merchandiser


def test_shoppers_cannot_reach_the_stock_import(catalogue, client):
    client.force_login(UserFactory())
    assert client.get(reverse("dashboard:stock-import")).status_code == 403
