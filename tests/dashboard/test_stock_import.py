"""Merchandisers upload stock feeds, see what each row would change, and apply the very file
they previewed; a bad file changes nothing and each bad cell is listed by its line and column."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from oscar.core.loading import get_model

from apps.inventory.models import StockImport, StockMovement
from tests.factories import UserFactory

StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def merchandiser(client, db):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def on_hand(location, upc):
    return StockRecord.objects.get(partner_id=location.partner_id, product__upc=upc).num_in_stock


def error_rows(response, table_id="import-errors"):
    """The (line, column, problem) rows of the page's error table."""
    html = response.content.decode().split(f'id="{table_id}"')[1].split("</table>")[0]
    return [
        tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row))
        for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)
        if "<td>" in row
    ]


def upload(client, name, content, **fields):
    """Upload a file: its preview (nothing is applied yet)."""
    return client.post(
        reverse("dashboard:stock-import"),
        {"file": SimpleUploadedFile(name, content), **fields},
        follow=True,
    )


def checksum_on(preview) -> str:
    return re.search(r'name="checksum" value="([0-9a-f]{64})"', preview.content.decode()).group(1)


def confirm(client, checksum):
    return client.post(reverse("dashboard:stock-import"), {"checksum": checksum}, follow=True)


def upload_and_apply(client, name, content, **fields):
    return confirm(client, checksum_on(upload(client, name, content, **fields)))


def everything(location):
    """Every figure an import could touch: records (counts and bins), ledger rows, batches."""
    return (
        sorted(
            StockRecord.objects.filter(partner_id=location.partner_id).values_list(
                "product__upc", "num_in_stock", "num_allocated", "bin_location"
            )
        ),
        StockRecord.objects.count(),
        StockMovement.objects.count(),
        StockImport.objects.count(),
    )


def test_a_bad_feed_lists_each_bad_cell_and_changes_nothing(catalogue, store, merchandiser, client):
    assert client.get(reverse("dashboard:stock-import")).status_code == 200
    bad = (
        b"location,sku,on_hand\n"
        b"leeds,SKU-1,3\n"
        b"leeds,NOPE,lots\n"  # two bad cells
        b"mars,SKU-2,-1\n"  # two bad cells
        b"leeds,SKU-3,1000000001\n"
        b"leeds,SKU-\x002,1\n"
    )
    movements, imports = StockMovement.objects.count(), StockImport.objects.count()
    response = upload(client, "bad.csv", bad)
    assert response.status_code == 400
    assert "The file was not imported: nothing changed." in response.content.decode()
    assert "6 problems in the file; nothing was imported." in response.content.decode()
    assert error_rows(response) == [
        ("3", "sku", "unknown SKU &#x27;NOPE&#x27;"),
        ("3", "on_hand", "not a whole number (&#x27;lots&#x27;)"),
        ("4", "location", "unknown location &#x27;mars&#x27;"),
        ("4", "on_hand", "cannot be negative (&#x27;-1&#x27;)"),
        ("5", "on_hand", "must be at most 1,000,000,000 (&#x27;1000000001&#x27;)"),
        ("6", "sku", "contains a control character (such as NUL): &#x27;SKU-\\x002&#x27;"),
    ]
    assert on_hand(store, "SKU-1") == 10
    assert (StockMovement.objects.count(), StockImport.objects.count()) == (movements, imports)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", ("1", "", "the file is empty")),
        (b"location,on_hand\nleeds,1\n", ("1", "sku", "missing from the header")),
    ],
    ids=["empty", "missing-column"],
)
def test_a_feed_without_a_usable_header_is_refused_with_its_line(
    catalogue, merchandiser, client, content, expected
):
    imports = StockImport.objects.count()
    response = upload(client, "feed.csv", content)
    assert response.status_code == 400
    line, column, reason = error_rows(response)[0]
    assert (line, column) == expected[:2] and reason.startswith(expected[2])
    assert StockImport.objects.count() == imports


def test_skipped_cells_are_listed_after_a_partial_import(catalogue, store, merchandiser, client):
    response = upload_and_apply(
        client,
        "feed.csv",
        b"location,sku,delta\nleeds,SKU-1,2\nleeds,SKU-2,x\n",
        skip_bad_rows="on",
    )
    assert "Imported 1 of 2 rows from feed.csv; skipped 1" in response.content.decode()
    assert error_rows(response, "import-skipped") == [
        ("3", "delta", "not a whole number (&#x27;x&#x27;)")
    ]
    assert on_hand(store, "SKU-1") == 12


def test_merchandiser_uploads_a_good_feed(catalogue, store, merchandiser, client):
    response = upload_and_apply(client, "good.csv", b"location,sku,delta\nleeds,SKU-1,2\n")
    assert "Imported 1 of 1 rows from good.csv" in response.content.decode()
    assert on_hand(store, "SKU-1") == 12
    assert StockImport.objects.get(filename="good.csv").user == merchandiser


def test_shoppers_cannot_reach_the_stock_import(catalogue, client):
    client.force_login(UserFactory())
    assert client.get(reverse("dashboard:stock-import")).status_code == 403


def preview_rows(response):
    """The preview table's rows as lists of cell texts."""
    table = response.content.decode().split('id="preview-rows">')[1].split("</table>")[0]
    return [
        [re.sub(r"<[^>]+>", "", c).replace("&rarr;", "->").strip() for c in cells]
        for cells in (re.findall(r"<td>(.*?)</td>", row, re.S) for row in table.split("<tr")[2:])
    ]


def test_a_preview_shows_each_rows_change_and_changes_nothing(
    catalogue, store, merchandiser, client
):
    from apps.inventory.services import allocate

    allocate(location=store, quantities={catalogue[1].pk: 4})
    before = everything(store)
    feed = (
        b"location,sku,on_hand,bin_location\n"
        b"leeds,SKU-1,25,A-01\n"  # a count and a new bin
        b"leeds,SKU-2,3,\n"  # fewer than the 4 promised to orders: refused
        b"leeds,SKU-3,10,\n"  # as it is
        b"leeds,NOPE,1,\n"
    )
    response = upload(client, "count.csv", feed, skip_bad_rows="on")

    assert response.status_code == 200
    assert preview_rows(response) == [
        ["2", "leeds", "SKU-1", "Thing 1", "10 -> 25", "(none) -> A-01", ""],
        [
            "3",
            "leeds",
            "SKU-2",
            "Thing 2",
            "10 -> 3",
            "",
            "on_hand: would leave 3 on hand at leeds but 4 are allocated to orders",
        ],
        ["4", "leeds", "SKU-3", "Thing 3", "10", "", ""],
        ["5", "leeds", "NOPE", "", "", "", "sku: unknown SKU &#x27;NOPE&#x27;"],
    ]
    page = response.content.decode()
    assert "<strong>1</strong> change on hand, <strong>1</strong> change a bin" in page
    assert "<strong>2</strong> would be refused. Nothing has changed yet." in page
    assert everything(store) == before

    applied = confirm(client, checksum_on(response)).content.decode()
    assert "Imported 2 of 4 rows from count.csv, 1 bin locations set; skipped 2" in applied
    record = StockRecord.objects.get(partner_id=store.partner_id, product__upc="SKU-1")
    assert (record.num_in_stock, record.bin_location) == (25, "A-01")
    assert on_hand(store, "SKU-2") == 10


def test_only_the_file_previewed_last_is_applied(catalogue, store, merchandiser, client):
    first = upload(client, "a.csv", b"location,sku,delta\nleeds,SKU-1,5\n")
    second = upload(client, "b.csv", b"location,sku,delta\nleeds,SKU-2,7\n")
    before = everything(store)

    stale = confirm(client, checksum_on(first))
    assert stale.status_code == 400
    assert "not the one previewed last" in stale.content.decode()
    forged = confirm(client, "0" * 64)
    assert forged.status_code == 400
    assert everything(store) == before

    assert (
        "Imported 1 of 1 rows from b.csv" in confirm(client, checksum_on(second)).content.decode()
    )
    assert (on_hand(store, "SKU-1"), on_hand(store, "SKU-2")) == (10, 17)
    again = confirm(client, checksum_on(second))  # applied once: its preview is used up
    assert again.status_code == 400
    assert on_hand(store, "SKU-2") == 17


def test_a_feed_that_would_be_refused_whole_has_no_apply_button(
    catalogue, store, merchandiser, client
):
    response = upload(client, "bad.csv", b"location,sku,delta\nleeds,SKU-1,2\nleeds,SKU-2,x\n")
    assert response.status_code == 400
    assert 'id="confirm-import"' not in response.content.decode()
    assert error_rows(response) == [("3", "delta", "not a whole number (&#x27;x&#x27;)")]


def test_the_import_screen_lists_location_codes_and_offers_a_template(
    catalogue, store, merchandiser, client
):
    page = client.get(reverse("dashboard:stock-import")).content.decode()
    codes = page.split('id="location-codes"')[1].split("</table>")[0]
    assert "<code>leeds</code>" in codes and "<code>york</code>" in codes
    template = client.get(reverse("dashboard:stock-import-template"))
    assert template["Content-Type"].startswith("text/csv")
    assert "attachment" in template["Content-Disposition"]
    lines = template.content.decode().splitlines()
    assert lines[0] == "location,sku,on_hand,bin_location"
    assert lines[1].split(",")[0] in {"leeds", "york"} and len(lines) == 2
    # The template as downloaded previews cleanly: its example names a real location and SKU.
    preview = upload(client, "stock-import-template.csv", template.content)
    assert preview.status_code == 200 and 'id="confirm-import"' in preview.content.decode()


def test_an_xlsx_feed_previews_and_imports(catalogue, store, merchandiser, client):
    import tablib

    sheet = tablib.Dataset(
        ["leeds", "SKU-3", 4, "B-2"], headers=["location", "sku", "delta", "bin_location"]
    )
    response = upload_and_apply(client, "delivery.xlsx", sheet.export("xlsx"))
    assert "Imported 1 of 1 rows from delivery.xlsx" in response.content.decode()
    record = StockRecord.objects.get(partner_id=store.partner_id, product__upc="SKU-3")
    assert (record.num_in_stock, record.bin_location) == (14, "B-2")


def test_a_bin_only_change_writes_no_ledger_row(catalogue, store, merchandiser, client):
    movements = StockMovement.objects.count()
    upload_and_apply(client, "bins.csv", b"location,sku,delta,bin_location\nleeds,SKU-1,0,C-9\n")
    assert (
        StockRecord.objects.get(partner_id=store.partner_id, product__upc="SKU-1").bin_location
        == "C-9"
    )
    assert StockMovement.objects.count() == movements
