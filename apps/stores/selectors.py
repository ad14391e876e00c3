"""Reads about stores: finding them (by text or coordinates, nearest first, with opening status),
the online warehouse, and who may work where (staff roles and store scoping)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from . import directory
from .hours import OpeningStatus, opening_status
from .models import Location, Store, StoreStaff

EARTH_RADIUS_KM = 6371.0


@dataclass
class StoreResult:
    store: Store
    distance_km: float | None
    status: OpeningStatus
    #: Whether the store has the whole basket/product asked about (None: nothing asked);
    #: set by ``apps.inventory.selectors.mark_stocked``.
    has_everything: bool | None = None
    #: What it lacks of them: (product id, units it has), also set by ``mark_stocked``.
    short: list = field(default_factory=list)


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def bounding_box(lat: float, lng: float, radius_km: float) -> Q:
    """A latitude/longitude box around a point, for the indexed prefilter."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    coslat = max(math.cos(math.radians(lat)), 0.01)
    dlng = min(math.degrees(radius_km / (EARTH_RADIUS_KM * coslat)), 180)
    return Q(latitude__range=(lat - dlat, lat + dlat), longitude__range=(lng - dlng, lng + dlng))


def active_stores() -> QuerySet[Store]:
    return Store.objects.filter(is_active=True)


def search_stores(query: str) -> QuerySet[Store]:
    """Stores whose name, city, code or postcode match ("Leeds", "LS1", "LS1 6HD")."""
    query = " ".join(query.split())
    matches = Q(name__icontains=query) | Q(city__icontains=query) | Q(code__iexact=query)
    if any(ch.isdigit() for ch in query):
        outward = query.split()[0]
        matches |= (
            Q(postcode__iexact=query)
            | Q(postcode__istartswith=f"{outward} ")
            | Q(postcode__iexact=outward)
        )
    return active_stores().filter(matches)


def find_stores(
    *,
    query: str = "",
    near: tuple[float, float] | None = None,
    radius_km: float | None = None,
    limit: int = 20,
    click_and_collect_only: bool = False,
    now=None,
) -> list[StoreResult]:
    """Stores matching a text query and/or around a point, nearest first.

    Without a text query: from the locations each process keeps (``directory``), no query.
    With one, around its best match, the search widens (50 km, 200 km, 1,000 km, the world)
    until ``limit`` stores are found: a bounding box on indexed columns, then the exact
    distance; at most seven queries whatever the number of stores. What each store has of a
    basket is added by ``apps.inventory.selectors.mark_stocked``.
    """
    if not query:
        return _from_directory(near, radius_km, limit, click_and_collect_only, now)
    stores = search_stores(query)
    if click_and_collect_only:
        stores = stores.filter(click_and_collect=True)
    if near is None and query:
        # A text query ("Leeds", "M1") is centred on its best match, so neighbours follow it.
        first = stores.exclude(latitude=None).order_by("name").first()
        if first is not None:
            near = (first.latitude, first.longitude)
            stores = (
                active_stores().filter(click_and_collect=True)
                if click_and_collect_only
                else active_stores()
            )
    candidates = (
        _nearby(stores, near, radius_km, limit) if near else list(stores.order_by("name")[:limit])
    )
    candidates = Store.objects.filter(pk__in=[s.pk for s in candidates]).prefetch_related(
        "opening_hours", "closed_days"
    )
    results = [
        StoreResult(
            store=s,
            distance_km=distance_km(near[0], near[1], s.latitude, s.longitude)
            if near and s.latitude is not None
            else None,
            status=opening_status(s, now or timezone.now()),
        )
        for s in candidates
    ]
    results.sort(key=lambda r: (r.distance_km is None, r.distance_km or 0, r.store.name))
    return results[:limit]


def _from_directory(near, radius_km, limit, click_and_collect_only, now) -> list[StoreResult]:
    """``find_stores`` without a text query: from the locations every process keeps
    (``directory``), no query at all."""
    stores = [
        s
        for s in directory.locations()
        if s.kind == Location.Kind.STORE
        and s.is_active
        and (s.click_and_collect or not click_and_collect_only)
    ]
    now = now or timezone.now()
    if near is None:
        chosen = [(None, s) for s in sorted(stores, key=lambda s: s.name)[:limit]]
    else:
        placed = [
            (distance_km(near[0], near[1], s.latitude, s.longitude), s)
            for s in stores
            if s.latitude is not None and s.longitude is not None
        ]
        if radius_km:
            placed = [(d, s) for d, s in placed if d <= radius_km]
        chosen = sorted(placed, key=lambda pair: (pair[0], pair[1].name))[:limit]
    return [StoreResult(store=s, distance_km=d, status=opening_status(s, now)) for d, s in chosen]


def _nearby(
    stores: QuerySet[Store], near: tuple[float, float], radius_km: float | None, limit: int
) -> list[Store]:
    lat, lng = near
    radii = [radius_km] if radius_km else [50, 200, 1000, 20040]
    found: list[Store] = []
    for radius in radii:
        found = [
            s
            for s in stores.filter(bounding_box(lat, lng, radius))
            if distance_km(lat, lng, s.latitude, s.longitude) <= radius
        ]
        if len(found) >= limit:
            break
    found.sort(key=lambda s: distance_km(lat, lng, s.latitude, s.longitude))
    return found[:limit]


def warehouse() -> Location | None:
    """The online warehouse: where home deliveries are sent from and the one price source."""
    return next((loc for loc in directory.locations() if loc.kind == Location.Kind.WAREHOUSE), None)


def active_store(pk) -> Store | None:
    """The active store with this id (from the locations every process keeps)."""
    return next(
        (s for s in directory.locations() if s.pk == pk and s.is_active and s.is_store), None
    )


# --- who may work where -------------------------------------------------------------------

#: Roles that may count a store's stock and see its reports.
MANAGER_ROLES = ("manager", "merchandiser")


def role_at(user, location) -> str | None:
    """What the user may do at a store: "merchandiser" (every store), "manager", "associate",
    or None (not theirs)."""
    if not user.is_authenticated:
        return None
    if user.is_superuser or user.has_perm("stores.change_location"):
        return "merchandiser"
    return (
        StoreStaff.objects.filter(user=user, location=location)
        .order_by("role")  # "associate" < "manager": a manager listed twice stays a manager
        .values_list("role", flat=True)
        .last()
    )


def can_act_for(user, location) -> bool:
    """Staff act for their own store; merchandisers (who may change stores) for every store."""
    return role_at(user, location) is not None


def is_manager_of(user, location) -> bool:
    """Store managers (and merchandisers) may adjust the store's stock and see its figures."""
    return role_at(user, location) in MANAGER_ROLES


def staff_store(user, code: str, *, managers_only: bool = False) -> tuple[Store, str]:
    """The active store with this code and the user's role there, for the console and its API:
    404 for no such store, 403 for another store's staff (or an associate where managers
    only may go)."""
    store = Store.objects.filter(is_active=True, code=code).first()
    if store is None:
        raise Http404("No such store.")
    role = role_at(user, store)
    if role is None:
        raise PermissionDenied("This is another store's console.")
    if managers_only and role not in MANAGER_ROLES:
        raise PermissionDenied("Only the store's managers can do this.")
    return store, role


def staff_locations(user) -> QuerySet[Location]:
    """The locations a user works at (every location for merchandisers)."""
    if user.is_superuser or user.has_perm("stores.change_location"):
        return Location.objects.all()
    return Location.objects.filter(staff_roles__user=user)
