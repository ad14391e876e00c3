"""Checkout's stock rules: which stores can take a basket, binding lines, allocating it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from apps.inventory import services as stock
from apps.inventory.selectors import availability
from apps.inventory.services import ensure_stockrecords
from apps.stores.models import Location
from apps.stores.selectors import StoreResult, find_stores


def basket_quantities(basket) -> dict[int, int]:
    """Units of each product in the basket (lines of one product added together)."""
    units: Counter[int] = Counter()
    for line in basket.all_lines():
        units[line.product_id] += line.quantity
    return dict(units)


def warehouse() -> Location:
    return Location.objects.get(kind=Location.Kind.WAREHOUSE)


def collect_options(basket, *, near=None, limit: int = 12) -> list[StoreResult]:
    """Click-and-collect stores for this basket, nearest first, each saying if it has it all."""
    return find_stores(
        near=near, limit=limit, quantities=basket_quantities(basket), click_and_collect_only=True
    )


def bind_basket(basket, location: Location) -> None:
    """Point every line at the location's stock record: where it will be allocated."""
    quantities = basket_quantities(basket)
    records = ensure_stockrecords(location, quantities)
    for line in basket.all_lines():
        if line.stockrecord_id != records[line.product_id].pk:
            line.stockrecord = records[line.product_id]
            line.save(update_fields=["stockrecord"])
    basket.reset_offer_applications()


def allocate_basket(*, basket, location: Location, reference: str, by=None):
    """All the basket's units at the location, or none (raises InsufficientStock)."""
    return stock.allocate(
        location=location, quantities=basket_quantities(basket), reference=reference, by=by
    )


def release_basket(*, basket, location: Location, reference: str, by=None):
    """Give back what ``allocate_basket`` took, when the payment fails."""
    return stock.release(
        location=location,
        quantities=basket_quantities(basket),
        reference=reference,
        by=by,
        note="payment failed",
    )


@dataclass
class BasketCollectStatus:
    """Can this basket be collected at the shopper's store? Line by line, and where else."""

    store: Location
    lines: list = field(default_factory=list)  # (basket line, units available at the store)
    alternative: Location | None = None

    @property
    def all_available(self) -> bool:
        return all(units >= line.quantity for line, units in self.lines)


def basket_collect_status(basket, store: Location) -> BasketCollectStatus:
    """Each line's availability at my store; if one falls short, the nearest store with all."""
    quantities = basket_quantities(basket)
    units = availability(products=list(quantities), locations=[store])
    status = BasketCollectStatus(
        store, [(line, units.at(line.product_id, store)) for line in basket.all_lines()]
    )
    if not status.all_available:
        near = (store.latitude, store.longitude) if store.latitude is not None else None
        status.alternative = next(
            (
                o.store
                for o in collect_options(basket, near=near, limit=6)
                if o.has_everything and o.store.pk != store.pk
            ),
            None,
        )
    return status
