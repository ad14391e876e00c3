"""Every location with its opening hours and closed days, read from the database once per
change to any of them, not on every page.

A product or listing page asks where the warehouse is, which stores are nearest, when they
open and when a pickup would be ready: seven queries a page when read each time. The locations
change a few times a year, so each process keeps them, with a version kept in the shared cache:
any save or delete of a location, its hours or its closed days sets a new version (at once, and
again when the change commits, so a process that read the old rows in between reads them again),
and every process reloads on its next request (the process that made the change at once; the
others within a second: a process reads the version at most once a second).
"""

from __future__ import annotations

import datetime as dt
import time

from django.db.models import Prefetch
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from config.cache import CacheVersion

from .models import ClosedDay, Location, OpeningHours, PickupWindow, Store

#: How long a process goes on using the version it last read (a page asks up to three times).
RECHECK_SECONDS = 1.0


class _Loaded:
    """The process's copy (shared by its threads: each value is replaced whole)."""

    version: str | None = None
    locations: list[Location] = []
    checked: tuple[float, str] | None = None  # (when, version) of the last cache read


_loaded = _Loaded()


def _version() -> str:
    now = time.monotonic()
    if _loaded.checked is not None and now - _loaded.checked[0] < RECHECK_SECONDS:
        return _loaded.checked[1]
    version = VERSION.current()
    _loaded.checked = (now, version)
    return version


def version() -> str:
    """The locations' version this process goes by (what is kept from them names it)."""
    return _version()


def locations() -> list[Location]:
    """Every location (stores as ``Store``), by id, each with its hours, pickup windows and
    closed days from yesterday on prefetched. Treat them as read-only: they are shared by the process's requests."""
    version = _version()
    if _loaded.version != version or not version:
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        rows = list(
            Location.objects.order_by("pk").prefetch_related(
                "opening_hours",
                "pickup_windows",
                Prefetch("closed_days", queryset=ClosedDay.objects.filter(date__gte=yesterday)),
            )
        )
        for row in rows:
            if row.kind == Location.Kind.STORE:
                row.__class__ = Store  # a proxy of the same row
        _loaded.locations, _loaded.version = rows, version
    return _loaded.locations


def forget() -> None:
    """Read the locations again on the next call in this process (tests roll rows back)."""
    _loaded.version = _loaded.checked = None


VERSION = CacheVersion("stores:directory-version", on_replace=forget)
#: A receiver for what the signals below don't see (a bulk insert).
changed = VERSION.changed

for _model in (Location, Store, OpeningHours, ClosedDay, PickupWindow):
    post_save.connect(changed, sender=_model, dispatch_uid=f"directory-save-{_model.__name__}")
    post_delete.connect(changed, sender=_model, dispatch_uid=f"directory-delete-{_model.__name__}")
