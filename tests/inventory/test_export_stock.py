"""A location's stock exports as CSV or XLSX in the shape the import reads: importing the
export back changes nothing (no count, no bin, no ledger row)."""

import pytest
import tablib
from django.urls import reverse
from oscar.core.loading import get_model

from apps.inventory.exports import export_stock
from apps.inventory.imports import import_stock, preview_feed, read_upload
from apps.inventory.models import StockMovement
from apps.inventory.services import allocate

StockRecord = get_model("partner", "StockRecord")


def figures(location):
    return sorted(
        StockRecord.objects.filter(partner_id=location.partner_id).values_list(
            "product__upc", "num_in_stock", "num_allocated", "bin_location"
        )
    )


@pytest.fixture
def stocked(catalogue, store):
    """Leeds with bins on two products and units promised to an order."""
    StockRecord.objects.filter(partner_id=store.partner_id, product__upc="SKU-1").update(
        bin_location="A-01"
    )
    StockRecord.objects.filter(partner_id=store.partner_id, product__upc="SKU-2").update(
        bin_location="0042"  # a bin that looks like a number stays text
    )
    allocate(location=store, quantities={catalogue[2].pk: 3})
    return store


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imports_back_with_no_change(stocked, fmt):
    data = export_stock(stocked, fmt)
    text = read_upload(data, f"leeds.{fmt}")
    assert text.splitlines()[0] == "location,sku,on_hand,bin_location"
    before, movements = figures(stocked), StockMovement.objects.count()

    preview = preview_feed(text, f"leeds.{fmt}")
    assert (len(preview.rows), preview.stock_changes, preview.bin_changes, preview.refused) == (
        3,
        0,
        0,
        0,
    )
    result = import_stock(text=text, filename=f"leeds.{fmt}")

    assert (result.rows_applied, result.bins_changed, result.skipped) == (3, 0, [])
    assert figures(stocked) == before
    assert StockMovement.objects.count() == movements


def test_an_edited_export_changes_only_what_was_edited(stocked):
    sheet = tablib.Dataset().load(export_stock(stocked, "xlsx"), format="xlsx")
    sheet[0] = ("leeds", "SKU-1", 14, "B-07")
    edited = read_upload(sheet.export("xlsx"), "leeds.xlsx")
    import_stock(text=edited, filename="leeds.xlsx")
    assert figures(stocked) == [
        ("SKU-1", 14, 0, "B-07"),
        ("SKU-2", 10, 0, "0042"),
        ("SKU-3", 10, 3, ""),
    ]


def test_the_export_page_answers_a_file_per_format(stocked, merchandiser):
    url = reverse("dashboard:stock-export")
    csv = merchandiser.get(url, {"location": "leeds", "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert 'filename="stock-leeds-' in csv["Content-Disposition"]
    assert csv.content.decode().splitlines()[1:] == [
        "leeds,SKU-1,10,A-01",
        "leeds,SKU-2,10,0042",
        "leeds,SKU-3,10,",
    ]
    xlsx = merchandiser.get(url, {"location": "leeds", "format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert xlsx.content.startswith(b"PK")
    unknown = merchandiser.get(url, {"location": "mars", "format": "csv"})
    assert unknown.status_code == 400 and b"location" in unknown.content
    assert merchandiser.get(url, {"location": "leeds", "format": "pdf"}).status_code == 400
