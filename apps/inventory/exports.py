"""A location's stock as a file in the shape the stock import reads (``location,sku,on_hand,
bin_location``), as CSV or XLSX through tablib: importing an export unchanged changes nothing."""

from __future__ import annotations

import tablib
from oscar.core.loading import get_model

from apps.stores.models import Location

from .imports import BIN, LOCATION, SKU
from .models import StockImport

StockRecord = get_model("partner", "StockRecord")

HEADERS = [LOCATION, SKU, StockImport.Mode.COUNT.value, BIN]
#: Format name -> (content type, file extension).
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def stock_sheet(location: Location) -> tablib.Dataset:
    """Every stock record at the location whose product has a SKU (the import's key), by SKU.
    On hand only: what is promised to orders is not the import's to set."""
    records = (
        StockRecord.objects.filter(partner_id=location.partner_id, product__upc__isnull=False)
        .exclude(product__upc="")
        .order_by("product__upc")
        .values_list("product__upc", "num_in_stock", "bin_location")
    )
    sheet = tablib.Dataset(headers=HEADERS, title=location.code[:31])
    for sku, on_hand, bin_location in records.iterator(chunk_size=2000):
        sheet.append([location.code, sku, on_hand, bin_location])
    return sheet


def export_stock(location: Location, fmt: str) -> bytes:
    """The location's stock sheet as a file's bytes (``fmt`` one of FORMATS)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: one of {', '.join(FORMATS)}")
    data = stock_sheet(location).export(fmt)
    return data.encode("utf-8") if isinstance(data, str) else data


def template_sheet(location_code: str, sku: str) -> tablib.Dataset:
    """A feed to fill in: the header and one example row."""
    return tablib.Dataset([location_code, sku, 12, "A-03-2"], headers=HEADERS)
