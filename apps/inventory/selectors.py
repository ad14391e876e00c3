"""Reads of stock: available to sell, for many products at many locations, in one query."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from oscar.core.loading import get_model

StockRecord = get_model("partner", "StockRecord")


def _ids(objects: Iterable) -> list[int]:
    return [getattr(o, "pk", o) for o in objects]


def ats_expression():
    """Available to sell of a stock record row: on hand − allocated − buffer, never below 0."""
    return Greatest(
        F("num_in_stock") - F("num_allocated") - F("partner__location__safety_buffer"),
        Value(0),
        output_field=IntegerField(),
    )


def product_matches(text: str, *, via: str = "") -> Q:
    """A product by its barcode (exact, any case, as scanned) or by part of its title;
    ``via="product__"`` asks the same of rows that point at a product."""
    return Q(**{f"{via}upc__iexact": text}) | Q(**{f"{via}title__icontains": text})


def stock_records(*, location=None, text: str = "") -> QuerySet:
    """Stock records with their available to sell (``ats``), by product title: of one location,
    and of the products matching a barcode or title, when asked."""
    records = StockRecord.objects.select_related("product", "partner__location").annotate(
        ats=ats_expression()
    )
    if location is not None:
        records = records.filter(partner_id=location.partner_id)
    if text:
        records = records.filter(product_matches(text, via="product__"))
    return records.order_by("product__title", "partner__location__name", "pk")


@dataclass
class Availability:
    """Available to sell of each (product, location) pair asked about; missing pairs are 0."""

    units: dict[tuple[int, int], int] = field(default_factory=dict)

    def at(self, product, location) -> int:
        return self.units.get(
            (getattr(product, "pk", product), getattr(location, "pk", location)), 0
        )

    def has_everything(self, location, quantities: Mapping[int, int]) -> bool:
        return all(self.at(pid, location) >= units for pid, units in quantities.items())


def availability(*, products: Iterable, locations: Iterable) -> Availability:
    """Available to sell of each product at each location, in one query."""
    rows = (
        StockRecord.objects.filter(
            product_id__in=_ids(products), partner__location__in=_ids(locations)
        )
        .annotate(ats=ats_expression())
        .values_list("product_id", "partner__location__id", "ats")
    )
    return Availability({(pid, lid): ats for pid, lid, ats in rows})


def locations_with_everything(*, quantities: Mapping[int, int], locations: Iterable) -> set[int]:
    """Ids of the locations that have every product in the quantities asked for (one query)."""
    ids = _ids(locations)
    if not quantities:
        return set(ids)
    rows = StockRecord.objects.filter(product_id__in=list(quantities), partner__location__in=ids)
    rows = rows.annotate(ats=ats_expression()).values_list(
        "product_id", "partner__location__id", "ats"
    )
    lines_met: dict[int, int] = {}
    for pid, lid, ats in rows:
        if ats >= quantities[pid]:
            lines_met[lid] = lines_met.get(lid, 0) + 1
    return {lid for lid, met in lines_met.items() if met == len(quantities)}


def ledger_drift():
    """Stock records whose figures differ from the sum of their movements.

    Yields (stockrecord, on hand by ledger, allocated by ledger). The comparison runs in the
    database (GROUP BY ... HAVING), so only drifting rows travel: a balanced ledger of millions
    of records returns nothing.
    """
    drifting = (
        StockRecord.objects.annotate(
            ledger_on_hand=Coalesce(Sum("movements__on_hand_delta"), 0),
            ledger_allocated=Coalesce(Sum("movements__allocated_delta"), 0),
        )
        .filter(~Q(num_in_stock=F("ledger_on_hand")) | ~Q(num_allocated=F("ledger_allocated")))
        .values_list("pk", "ledger_on_hand", "ledger_allocated")
    )
    found = {pk: (on_hand, allocated) for pk, on_hand, allocated in drifting.iterator()}
    records = StockRecord.objects.filter(pk__in=list(found)).select_related("product", "partner")
    for record in records.order_by("pk"):
        yield record, *found[record.pk]
