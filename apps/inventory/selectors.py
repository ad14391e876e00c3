"""Reads of stock: available to sell, for many products at many locations, in one query; the
products of a listing with the one stock record it needs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
Option = get_model("catalogue", "Option")
StockRecord = get_model("partner", "StockRecord")
StockMovement = get_model("inventory", "StockMovement")


def _ids(objects: Iterable) -> list[int]:
    return [getattr(o, "pk", o) for o in objects]


def holds_on() -> bool:
    """Whether flash-sale holds are on (``OMNISHOP_BASKET_HOLD_MINUTES`` above 0)."""
    return settings.OMNISHOP_BASKET_HOLD_MINUTES > 0


def held_units(*, holder=None, now=None):
    """Units of a stock record row held now for baskets other than ``holder`` (a basket or its
    id): a subquery, so a listing pays no query more for it. Expired holds never count."""
    BasketHold = get_model("inventory", "BasketHold")
    holds = BasketHold.objects.filter(
        stockrecord=OuterRef("pk"), expires_at__gt=now or timezone.now()
    )
    holder_id = getattr(holder, "pk", holder)
    if holder_id is not None:
        holds = holds.exclude(basket_id=holder_id)
    total = holds.order_by().values("stockrecord").annotate(units=Sum("quantity")).values("units")
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def ats_expression(*, holder=None):
    """Available to sell of a stock record row: on hand − allocated − buffer, never below 0;
    with flash-sale holds on, less the units held for other baskets than ``holder``."""
    free = F("num_in_stock") - F("num_allocated") - F("partner__location__safety_buffer")
    if holds_on():
        free = free - held_units(holder=holder)
    return Greatest(free, Value(0), output_field=IntegerField())


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


def availability(*, products: Iterable, locations: Iterable, holder=None) -> Availability:
    """Available to sell of each product at each location, in one query; ``holder``: the
    basket asking, whose own holds are its to buy."""
    rows = (
        StockRecord.objects.filter(
            product_id__in=_ids(products), partner__location__in=_ids(locations)
        )
        .annotate(ats=ats_expression(holder=holder))
        .values_list("product_id", "partner__location__id", "ats")
    )
    return Availability({(pid, lid): ats for pid, lid, ats in rows})


def records_at(locations, *, holder=None) -> Prefetch:
    """Prefetch a product's stock records at these locations, each with its available to sell
    (``ats``, for ``holder`` as ``availability``) and location (``location_id``): the price and
    the availability in one query."""
    return Prefetch(
        "stockrecords",
        queryset=StockRecord.objects.filter(partner__location__in=_ids(locations)).annotate(
            ats=ats_expression(holder=holder), location_id=F("partner__location__id")
        ),
    )


def availability_of(product) -> Availability:
    """``availability`` of one product at the locations of its stock records prefetched by
    ``records_at``."""
    return Availability({(product.pk, r.location_id): r.ats for r in product.stockrecords.all()})


def basket_quantities(basket) -> dict[int, int]:
    """Units of each product in a basket (lines of one product added together)."""
    units: dict[int, int] = {}
    for line in basket.all_lines():
        units[line.product_id] = units.get(line.product_id, 0) + line.quantity
    return units


def mark_stocked(results, *, quantities: Mapping[int, int], holder=None):
    """Set ``has_everything`` on store finder results (``StoreResult``): whether each store has
    all the units asked for (``holder``'s own holds included), and ``short``: each product it
    lacks, with the units it has (one query). Returns the results."""
    units = availability(
        products=list(quantities), locations=[r.store for r in results], holder=holder
    )
    for result in results:
        result.short = [
            (product_id, units.at(product_id, result.store))
            for product_id, wanted in quantities.items()
            if units.at(product_id, result.store) < wanted
        ]
        result.has_everything = not result.short
    return results


def warehouse_records() -> Prefetch:
    """Prefetch only the warehouse's stock record of each product (the price, and the stock
    for delivery): reading every location's would grow with the number of stores."""
    return Prefetch(
        "stockrecords", queryset=StockRecord.objects.filter(partner__location__kind="warehouse")
    )


#: What rendering a product card reads beyond the product's row and price.
CARD_EXTRAS = ("children", "product_options", "product_class__options", "images")


def listing_queryset():
    """Products with what a product card needs, and only the warehouse's stock record:
    Oscar's base queryset would fetch every location's record of every product."""
    return (
        Product.objects.base_queryset()
        .prefetch_related(None)
        .prefetch_related(*CARD_EXTRAS, warehouse_records())
    )


def card_queryset():
    """Products with what a kept product card's key names (the row, the class, the warehouse's
    stock record); a card rendered anew reads ``CARD_EXTRAS`` for the cards it renders. Whether
    a product has options (a card offers "Add to basket" only without) comes with the row, as
    Oscar's ``base_queryset`` gives it, not one query a card."""
    return (
        Product.objects.select_related("product_class")
        .annotate(
            has_product_class_options=Exists(
                Option.objects.filter(productclass=OuterRef("product_class"))
            ),
            has_product_options=Exists(Option.objects.filter(product=OuterRef("pk"))),
        )
        .prefetch_related(warehouse_records())
    )


def with_store_units(products, store, *, holder=None):
    """Set ``my_store_units`` (available to sell at the shopper's store) on each product."""
    products = list(products)
    if store is not None and products:
        units = availability(products=products, locations=[store], holder=holder)
        for product in products:
            product.my_store_units = units.at(product, store)
    return products


def load_search_results(results, *, store=None, holder=None) -> None:
    """Give a page of search results their products in one go (Haystack loads them one by one),
    with my store's availability (``holder``'s own holds included)."""
    ids = [int(r.pk) for r in results]
    products = card_queryset().in_bulk(ids)
    with_store_units(products.values(), store, holder=holder)
    for result in results:
        result._object = products.get(int(result.pk))


def product_ids_available_at(store) -> list[int]:
    """Ids of the products the store can sell now (for the "available at my store" filter)."""
    records = StockRecord.objects.filter(partner_id=store.partner_id).filter(
        num_in_stock__gt=F("num_allocated") + store.safety_buffer
    )
    if holds_on():  # and not all of what is left is held
        records = records.alias(held=held_units()).filter(
            num_in_stock__gt=F("num_allocated") + store.safety_buffer + F("held")
        )
    return list(records.values_list("product_id", flat=True))


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


def movements_without_source() -> QuerySet:
    """Ledger rows that name no cause (no order line, return, transfer, count or import),
    oldest first: written before sources were kept, or behind the services' back."""
    return (
        StockMovement.objects.exclude(StockMovement.has_source())
        .select_related("location", "product")
        .order_by("created_at", "pk")
    )


# --- transfers ------------------------------------------------------------------------------


def in_transit(*, products: Iterable | None = None, locations: Iterable | None = None) -> dict:
    """Units shipped to each location and not yet received, as {(product id, location id):
    units}, for the products and destinations asked about (all when None); one query. They
    are on no location's on hand until received."""
    Transfer = get_model("inventory", "Transfer")
    TransferLine = get_model("inventory", "TransferLine")
    lines = TransferLine.objects.filter(transfer__state=Transfer.State.SHIPPED)
    if products is not None:
        lines = lines.filter(product_id__in=_ids(products))
    if locations is not None:
        lines = lines.filter(transfer__destination_id__in=_ids(locations))
    return {
        (row["product_id"], row["transfer__destination_id"]): row["units"]
        for row in lines.values("product_id", "transfer__destination_id")
        .annotate(units=Sum("quantity"))
        .order_by()
    }


def in_transit_rows() -> QuerySet:
    """Units on the road per destination and product, with their names, by destination then
    title (``transfer__destination__name``, ``product__title``, ``product__upc``, ``units``)."""
    Transfer = get_model("inventory", "Transfer")
    TransferLine = get_model("inventory", "TransferLine")
    return (
        TransferLine.objects.filter(transfer__state=Transfer.State.SHIPPED)
        .values("transfer__destination__name", "product__title", "product__upc")
        .annotate(units=Sum("quantity"))
        .order_by("transfer__destination__name", "product__title")
    )


def transfers(*, state: str = "", location=None, direction: str = "") -> QuerySet:
    """Transfers, newest first, with their locations and lines: of one state, and touching one
    location (``direction`` "out" or "in" for only those it sends or receives)."""
    Transfer = get_model("inventory", "Transfer")
    found = Transfer.objects.select_related(
        "source", "destination", "created_by", "shipped_by", "received_by", "cancelled_by"
    ).prefetch_related("lines__product")
    if state:
        found = found.filter(state=state)
    if location is not None:
        sends, receives = Q(source=location), Q(destination=location)
        found = found.filter(
            sends if direction == "out" else receives if direction == "in" else sends | receives
        )
    return found.order_by("-created_at", "-pk")


def transfer_ledger(transfer) -> QuerySet:
    """The ledger rows a transfer wrote (shipping at the source, receiving at the destination)."""
    return (
        StockMovement.objects.filter(transfer_id=transfer.reference)
        .select_related("location", "product", "user")
        .order_by("created_at", "pk")
    )


# --- low-stock alerts -------------------------------------------------------------------------


def open_stock_alerts(location) -> QuerySet:
    """Oscar's open low-stock alerts at one location, with their records' products and figures,
    by product title."""
    StockAlert = get_model("partner", "StockAlert")
    return (
        StockAlert.objects.filter(
            stockrecord__partner_id=location.partner_id, status=StockAlert.OPEN
        )
        .select_related("stockrecord__product")
        .order_by("stockrecord__product__title", "pk")
    )


def digest_recipients(location) -> list[str]:
    """The e-mail addresses of the store's own managers (merchandisers, who see every store,
    are not sent each store's digest)."""
    from apps.stores.models import StoreStaff

    return sorted(
        StoreStaff.objects.filter(
            location=location, role=StoreStaff.Role.MANAGER, user__is_active=True
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )
