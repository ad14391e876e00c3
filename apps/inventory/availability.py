"""What a product page (web or API) says about stock: my store, the nearest stores, delivery."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from apps.stores.hours import in_words, ready_time
from apps.stores.models import Location, Store
from apps.stores.selectors import find_stores, warehouse

from .selectors import Availability, availability

LOW_STOCK = 3


@dataclass
class ProductAvailability:
    store: Store | None
    store_units: int = 0
    ready_at: object = None
    nearby: list[tuple[Store, int, float | None]] = field(default_factory=list)
    delivery_units: int = 0

    @property
    def shown(self) -> tuple:
        """What a page says of it, as plain values (a kept fragment's key)."""
        return (
            self.store and self.store.pk,
            self.store_units,
            in_words(self.ready_at) if self.ready_at else "",
            tuple(
                (s.pk, units, distance and round(distance)) for s, units, distance in self.nearby
            ),
            self.delivery_units,
        )

    @property
    def store_message(self) -> str:
        if self.store is None:
            return ""
        if not self.store_units:
            return f"Not available at {self.store.name}"
        when = f": ready for pickup {in_words(self.ready_at)}" if self.ready_at else ""
        if self.store_units <= LOW_STOCK:
            return f"Only {self.store_units} left at {self.store.name}{when}"
        return f"In stock at {self.store.name}{when}"


@dataclass
class NamedLocations:
    """What a product page names: the nearest collect stores (one more than it shows), the
    warehouse, and all of those with my store."""

    candidates: list
    online: Location | None
    locations: list[Location]


def named_locations(store: Store | None, *, nearby: int = 4, now=None) -> NamedLocations:
    """The locations a product page names for the shopper's store (no query:
    ``apps.stores.directory``)."""
    near = (store.latitude, store.longitude) if store and store.latitude is not None else None
    candidates = find_stores(near=near, limit=nearby + 1, click_and_collect_only=True, now=now)
    online = warehouse()
    locations = [r.store for r in candidates] + [loc for loc in (store, online) if loc is not None]
    return NamedLocations(candidates, online, locations)


def product_availability(
    *,
    product,
    store: Store | None,
    nearby: int = 4,
    now=None,
    named: NamedLocations | None = None,
    units: Availability | None = None,
) -> ProductAvailability:
    """Availability at my store, the nearest stores that have it, and the warehouse. ``named``
    and ``units``: the locations and their stock when already read (e.g. with the product)."""
    now = now or timezone.now()
    if named is None:
        named = named_locations(store, nearby=nearby, now=now)
    candidates, online = named.candidates, named.online
    if units is None:
        units = availability(products=[product], locations=named.locations)
    result = ProductAvailability(
        store=store, delivery_units=units.at(product, online) if online else 0
    )
    if store is not None:
        result.store_units = units.at(product, store)
        if result.store_units and store.click_and_collect:
            result.ready_at = ready_time(store, now)
    result.nearby = [
        (r.store, units.at(product, r.store), r.distance_km)
        for r in candidates
        if (store is None or r.store.pk != store.pk) and units.at(product, r.store) > 0
    ][:nearby]
    return result
