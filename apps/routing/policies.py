"""Routing policies: where an order's units come from.

A policy gets what it needs already read (``Stock``: available to sell of the basket's products
at every active location, the locations and each route's lead time) and answers a ``Route``
without touching the database, so routing a basket costs the same few queries whatever the
number of lines and stores. ``OMNISHOP_ROUTING_POLICY`` names the policy in use.

A route has parts (where the shopper collects, or a parcel is sent from, its lines and their
ready-by time); each part's units come from one or more sources: the part's own shelf, or
another location by transfer (ship to store). Checkout places single-part routes today.
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from apps.stores.hours import ready_time
from apps.stores.models import Location
from apps.stores.selectors import distance_km

SHELF = "on-the-shelf"


@dataclass(frozen=True)
class Source:
    """Units of some products for a part, taken at one location (``rule`` says why there)."""

    location: Location
    quantities: Mapping[int, int]  # product id -> units
    rule: str
    reason: str
    lead_days: int = 0  # days on the road to the part's location (0: on its shelf)
    floor: int = 0  # units the location keeps back from this order (the policy's floor)


@dataclass(frozen=True)
class Part:
    """What the shopper collects at (or is sent from) one location, and when it is ready."""

    location: Location
    sources: tuple[Source, ...]
    ready_by: dt.datetime | None

    @property
    def quantities(self) -> dict[int, int]:
        units: dict[int, int] = {}
        for source in self.sources:
            for product_id, n in source.quantities.items():
                units[product_id] = units.get(product_id, 0) + n
        return units

    @property
    def transfers(self) -> tuple[Source, ...]:
        """The sources whose units travel to the part's location."""
        return tuple(s for s in self.sources if s.location.pk != self.location.pk)

    @property
    def shelf(self) -> Source | None:
        return next((s for s in self.sources if s.location.pk == self.location.pk), None)


@dataclass(frozen=True)
class Route:
    policy: str
    parts: tuple[Part, ...]

    @property
    def placeable(self) -> bool:
        """Checkout places one part today (split baskets come later)."""
        return len(self.parts) == 1

    @property
    def moves_stock(self) -> bool:
        return any(part.transfers for part in self.parts)

    @property
    def ready_by(self) -> dt.datetime | None:
        times = [p.ready_by for p in self.parts if p.ready_by is not None]
        return max(times) if times else None

    @property
    def sources_of(self) -> dict[int, Location]:
        """Each product's source location (one per product in today's policies)."""
        return {pid: s.location for p in self.parts for s in p.sources for pid in s.quantities}


@dataclass
class Stock:
    """What a policy reads: available to sell (before any policy's own floor) of the basket's
    products at each active location, the locations, each route's days, and the titles for
    the reasons it gives."""

    units: dict[tuple[int, int], int]  # (product id, location id) -> available to sell
    locations: list[Location]
    lead_days: dict[tuple[int, int], int] = field(default_factory=dict)  # (source, dest) -> days
    titles: dict[int, str] = field(default_factory=dict)
    now: dt.datetime | None = None

    def at(self, product_id: int, location: Location) -> int:
        return self.units.get((product_id, location.pk), 0)

    def days(self, source: Location, destination: Location) -> int:
        return self.lead_days.get((source.pk, destination.pk), settings.ROUTING_TRANSFER_DAYS)

    @property
    def warehouse(self) -> Location | None:
        return next((loc for loc in self.locations if loc.kind == Location.Kind.WAREHOUSE), None)


def _distance(a: Location, b: Location) -> float:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return math.inf
    return distance_km(a.latitude, a.longitude, b.latitude, b.longitude)


def _words(quantities: Mapping[int, int], titles: Mapping[int, str]) -> str:
    names = [
        f"{titles.get(pid, f'product {pid}')}" + (f" ×{n}" if n > 1 else "")
        for pid, n in sorted(quantities.items())
    ]
    if len(names) > 3:
        return f"{', '.join(names[:3])} and {len(names) - 3} more"
    return ", ".join(names)


def arrival_ready_time(
    destination: Location, days: int, now: dt.datetime | None
) -> dt.datetime | None:
    """When units sent now, ``days`` on the road, can be collected: from the store's opening on
    the day they arrive, after its picking lead time (its opening hours, its time zone)."""
    now = now or timezone.now()
    if days <= 0:
        return ready_time(destination, now)
    tz = zoneinfo.ZoneInfo(destination.timezone)
    day = now.astimezone(tz).date() + dt.timedelta(days=days)
    return ready_time(destination, dt.datetime.combine(day, dt.time(0, 0), tzinfo=tz))


class Policy:
    """The shared steps: the part's own shelf first, then sources for what it lacks, chosen by
    each policy's ``sources_for``. ``floor`` is what a location keeps back from web orders."""

    name = ""
    label = ""

    def floor(self, location: Location) -> int:
        return location.safety_buffer

    def available(self, stock: Stock, product_id: int, location: Location) -> int:
        """Units the policy offers: available to sell above its floor (the stock's figure is
        above the location's own safety buffer already)."""
        extra = max(0, self.floor(location) - location.safety_buffer)
        return max(0, stock.at(product_id, location) - extra)

    def has(self, stock: Stock, location: Location, quantities: Mapping[int, int]) -> bool:
        return all(self.available(stock, p, location) >= n for p, n in quantities.items())

    def candidates(self, stock: Stock, destination: Location) -> list[Location]:
        """Other active locations, nearest to the destination first (no coordinates: last)."""
        others = [loc for loc in stock.locations if loc.is_active and loc.pk != destination.pk]
        return sorted(others, key=lambda loc: (_distance(destination, loc), loc.name))

    # --- collect at a store ---------------------------------------------------------------

    def to_store(
        self, store: Location, quantities: Mapping[int, int], stock: Stock
    ) -> Route | None:
        """A route to collect the basket at ``store``; None when it cannot be had."""
        on_shelf = {p: n for p, n in quantities.items() if self.available(stock, p, store) >= n}
        missing = {p: n for p, n in quantities.items() if p not in on_shelf}
        sources = []
        if on_shelf:
            sources.append(
                Source(
                    store,
                    on_shelf,
                    SHELF if not missing else self.name,
                    f"{store.name} has {_words(on_shelf, stock.titles)} on its shelves"
                    + (self.shelf_note(store) if missing or self.floor(store) else ""),
                    floor=self.floor(store),
                )
            )
        if missing:
            found = self.sources_for(store, missing, stock)
            if not found:
                return None
            sources += found
        days = max((s.lead_days for s in sources), default=0)
        ready = arrival_ready_time(store, days, stock.now)
        return Route(self.name, (Part(store, tuple(sources), ready),))

    def shelf_note(self, store: Location) -> str:
        return ""

    def sources_for(
        self, destination: Location, missing: Mapping[int, int], stock: Stock
    ) -> list[Source]:
        """The nearest location with everything the destination lacks."""
        for location in self.ordered(stock, destination):
            if self.has(stock, location, missing):
                return [
                    self._source(
                        location,
                        destination,
                        missing,
                        stock,
                        self.why(location, destination, missing, stock),
                    )
                ]
        return []

    def ordered(self, stock: Stock, destination: Location) -> list[Location]:
        return self.candidates(stock, destination)

    def why(self, location, destination, missing, stock) -> str:
        distance = _distance(destination, location)
        far = f" ({distance:.0f} km)" if distance != math.inf else ""
        return (
            f"{destination.name} lacks {_words(missing, stock.titles)}; "
            f"{location.name}{far} is the nearest with all of it"
        )

    def _source(self, location, destination, quantities, stock, reason) -> Source:
        return Source(
            location,
            dict(quantities),
            self.name,
            reason[:255],
            stock.days(location, destination),
            floor=self.floor(location),
        )

    # --- home delivery ----------------------------------------------------------------------

    def for_delivery(self, quantities: Mapping[int, int], stock: Stock) -> Route | None:
        """Delivery goes from the online warehouse when it has everything."""
        home = stock.warehouse
        if home is None or not self.has(stock, home, quantities):
            return None
        return Route(
            self.name,
            (
                Part(
                    home,
                    (
                        Source(
                            home,
                            dict(quantities),
                            "warehouse",
                            f"{home.name} has everything for delivery",
                            floor=self.floor(home),
                        ),
                    ),
                    None,
                ),
            ),
        )


class NearestWithEverything(Policy):
    """What the store lacks comes from the nearest location that has all of it."""

    name = "nearest"
    label = "Nearest location with everything"


class FewestParts(Policy):
    """The fewest locations: each source in turn is the one that has the most of what is still
    lacking (the nearest of equals), so one with all of it is one transfer and a basket no
    single location has comes from several (delivery: several parcels)."""

    name = "fewest-parts"
    label = "Fewest parts"

    def sources_for(self, destination, missing, stock, *, candidates=None):
        left, chosen = dict(missing), []
        candidates = candidates if candidates is not None else self.ordered(stock, destination)
        while left:
            best, covered = None, {}
            for location in candidates:
                can = {p: n for p, n in left.items() if self.available(stock, p, location) >= n}
                if sum(can.values()) > sum(covered.values()):
                    best, covered = location, can
            if best is None:
                return []
            lacks = "lacks" if best.pk != destination.pk else "has only part of"
            reason = (
                f"{destination.name} {lacks} {_words(missing, stock.titles)}; "
                f"{best.name} has {_words(covered, stock.titles)}: the most of it in one place"
            )
            chosen.append(self._source(best, destination, covered, stock, reason))
            candidates = [c for c in candidates if c.pk != best.pk]
            left = {p: n for p, n in left.items() if p not in covered}
        return chosen

    def for_delivery(self, quantities, stock):
        """The warehouse if it has everything, else parcels from the fewest locations."""
        route = super().for_delivery(quantities, stock)
        if route is not None or stock.warehouse is None:
            return route
        home = stock.warehouse
        candidates = [home, *self.ordered(stock, home)]
        sources = self.sources_for(home, quantities, stock, candidates=candidates)
        if not sources:
            return None
        parts = tuple(Part(s.location, (s,), None) for s in sources)
        return Route(self.name, parts)


class KeepSafetyStock(NearestWithEverything):
    """As ``nearest``, but a store keeps ``ROUTING_SAFETY_STOCK`` units of each product (or its
    own safety buffer, if higher) for walk-in customers: they are never offered to web orders,
    neither at the store the shopper collects from nor as a transfer's source."""

    name = "safety-stock"
    label = "Keep safety stock for walk-in customers"

    def floor(self, location):
        if location.kind != Location.Kind.STORE:
            return location.safety_buffer
        return max(location.safety_buffer, settings.ROUTING_SAFETY_STOCK)

    def shelf_note(self, store):
        return f" above the {self.floor(store)} it keeps for walk-in customers"

    def why(self, location, destination, missing, stock):
        return (
            f"{destination.name} lacks {_words(missing, stock.titles)} above the "
            f"{self.floor(destination)} it keeps for walk-in customers; {location.name} is the "
            "nearest with all of it to spare"
        )


class WarehouseFirst(NearestWithEverything):
    """The warehouse before any store: delivery from it, and what a store lacks comes from it
    when it has everything; otherwise from the nearest store (delivery too)."""

    name = "warehouse-first"
    label = "Warehouse first"

    def ordered(self, stock, destination):
        located = self.candidates(stock, destination)
        return sorted(located, key=lambda loc: loc.kind != Location.Kind.WAREHOUSE)

    def why(self, location, destination, missing, stock):
        if location.kind == Location.Kind.WAREHOUSE:
            return f"{destination.name} lacks {_words(missing, stock.titles)}; the warehouse has it"
        return (
            f"{destination.name} lacks {_words(missing, stock.titles)}; the warehouse does not "
            f"have it all, {location.name} is the nearest store that does"
        )

    def for_delivery(self, quantities, stock):
        route = super().for_delivery(quantities, stock)
        home = stock.warehouse
        if route is not None or home is None:
            return route
        for location in self.candidates(stock, home):
            if location.kind == Location.Kind.STORE and self.has(stock, location, quantities):
                reason = f"{home.name} lacks some of it; {location.name} has everything"
                source = Source(
                    location, dict(quantities), self.name, reason, floor=self.floor(location)
                )
                return Route(self.name, (Part(location, (source,), None),))
        return None


POLICIES = {
    policy.name: policy
    for policy in (NearestWithEverything, FewestParts, KeepSafetyStock, WarehouseFirst)
}


def current_policy() -> Policy:
    """The policy ``OMNISHOP_ROUTING_POLICY`` names (a name above, or a class's dotted path)."""
    chosen = settings.OMNISHOP_ROUTING_POLICY
    if chosen in POLICIES:
        return POLICIES[chosen]()
    if "." in chosen:
        return import_string(chosen)()
    raise ValueError(
        f"OMNISHOP_ROUTING_POLICY={chosen!r}: choose one of {', '.join(POLICIES)} or a dotted path."
    )
