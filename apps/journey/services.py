"""Counting the storefront's steps of the collect journey (``StepCount``) off the page's path.

A step (a product page showing a store's availability, an addition to the basket) adds one to a
field of a Redis hash: one round trip, no database. ``write_counted`` writes what was counted in
one transaction; the storefront's batched view-count task (``write_product_views``, every minute)
calls it, and so does the journey dashboard before it reads. Without Redis (the embedded
default) the steps wait in the process's memory for the same call (nothing is added to a page's
queries); while Redis is down, a step is written at once."""

from __future__ import annotations

import datetime as dt
import logging
import threading

import redis
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from oscar.core.loading import get_model

from apps.stores.models import Location

from .models import StepCount

logger = logging.getLogger(__name__)
Product = get_model("catalogue", "Product")

#: Counts wait in Redis at most a day for the task (no beat running: they are dropped).
KEEP_UNWRITTEN = 24 * 3600

Key = tuple[str, dt.date, int, int]  # kind, day, location id, product id

#: Steps counted in this process while there is no Redis, until ``write_counted``.
_waiting: dict[Key, int] = {}
_waiting_lock = threading.Lock()


def _redis():
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        return None
    return cache._cache.get_client(write=True)


def _hash_key() -> str:
    return caches["default"].make_key("journey:steps")


def count_step(*, kind: str, location_id: int, product_id: int, when=None) -> None:
    """One step of ``kind`` for a product at a store, now (or ``when``)."""
    if kind not in StepCount.Kind.values:
        raise ValueError(f"Unknown journey step {kind!r}: one of {', '.join(StepCount.Kind)}")
    day = timezone.localdate(when)
    client = _redis()
    if client is None:
        with _waiting_lock:
            step = (kind, day, location_id, product_id)
            _waiting[step] = _waiting.get(step, 0) + 1
        return
    try:
        pipe = client.pipeline(transaction=False)
        pipe.hincrby(_hash_key(), f"{kind}:{day.isoformat()}:{location_id}:{product_id}", 1)
        pipe.expire(_hash_key(), KEEP_UNWRITTEN)
        pipe.execute()
        return
    except redis.RedisError as exc:
        logger.warning("journey steps: Redis unavailable, writing this one now: %s", exc)
    _write({(kind, day, location_id, product_id): 1})


def write_counted() -> int:
    """Write the steps counted since the last run; returns how many were written."""
    client = _redis()
    if client is None:
        with _waiting_lock:
            counts = dict(_waiting)
            _waiting.clear()
        if counts:
            _write(counts)
        return sum(counts.values())
    key = _hash_key()
    pipe = client.pipeline(transaction=True)  # read and empty at once: no step lost between
    pipe.hgetall(key)
    pipe.delete(key)
    raw, _ = pipe.execute()
    counts: dict[Key, int] = {}
    for field, n in raw.items():
        kind, day, location_id, product_id = field.decode().split(":")
        step = (kind, dt.date.fromisoformat(day), int(location_id), int(product_id))
        counts[step] = counts.get(step, 0) + int(n)
    if not counts:
        return 0
    try:
        _write(counts)
    except Exception:
        pipe = client.pipeline(transaction=False)  # back for the next run rather than lost
        for (kind, day, location_id, product_id), n in counts.items():
            pipe.hincrby(key, f"{kind}:{day.isoformat()}:{location_id}:{product_id}", n)
        pipe.execute()
        raise
    return sum(counts.values())


@transaction.atomic
def _write(counts: dict[Key, int]) -> None:
    products = set(
        Product.objects.filter(pk__in={k[3] for k in counts}).values_list("pk", flat=True)
    )
    locations = set(
        Location.objects.filter(pk__in={k[2] for k in counts}).values_list("pk", flat=True)
    )
    for (kind, day, location_id, product_id), n in sorted(counts.items()):
        if product_id not in products or location_id not in locations:
            continue  # deleted since
        row = {"kind": kind, "date": day, "location_id": location_id, "product_id": product_id}
        if StepCount.objects.filter(**row).update(count=F("count") + n):
            continue
        try:
            with transaction.atomic():
                StepCount.objects.create(**row, count=n)
        except IntegrityError:  # another writer made the row meanwhile
            StepCount.objects.filter(**row).update(count=F("count") + n)


def forget_counted() -> None:
    """Drop the steps not written yet (tests roll back the rows they were counted for)."""
    with _waiting_lock:
        _waiting.clear()
    client = _redis()
    if client is not None:
        client.delete(_hash_key())
