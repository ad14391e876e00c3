"""A Redis cache that degrades instead of failing: with Redis down, reads miss and writes are
dropped, so pages and the read-only API still answer (the anonymous API throttle, which keeps
its counts in the cache, lets callers through) while the outage is logged."""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from cachetools import LRUCache
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import transaction
from django.utils.functional import Promise

logger = logging.getLogger(__name__)

#: What each cache operation answers while Redis cannot be reached: a miss, or nothing done.
FALLBACKS = {
    "get": lambda key, default, *a, **k: default,
    "get_many": lambda *a, **k: {},
    "add": lambda *a, **k: False,
    "set": lambda *a, **k: None,
    "touch": lambda *a, **k: False,
    "delete": lambda *a, **k: False,
    "has_key": lambda *a, **k: False,
    "incr": lambda key, delta, *a, **k: delta,
    "set_many": lambda data, *a, **k: list(data),
    "delete_many": lambda *a, **k: None,
    "clear": lambda *a, **k: False,
}
#: The outage is logged at most this often (seconds), not on every request.
LOG_EVERY = 60


class FailSoftRedisCacheClient(RedisCacheClient):
    _last_logged = 0.0

    def get_client(self, key=None, *, write=False):
        """One redis-py client per connection pool, kept (Django makes a new one for every
        cache call, and building one costs about 0.2 ms: 1.6 ms of a product page)."""
        index = self._get_connection_pool_index(write)
        clients = self.__dict__.setdefault("_clients", {})
        if index not in clients:
            clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return clients[index]

    def __getattribute__(self, name):
        attribute = super().__getattribute__(name)
        if name not in FALLBACKS:
            return attribute
        lib = super().__getattribute__("_lib")

        def fail_soft(*args, **kwargs):
            try:
                return attribute(*args, **kwargs)
            except (lib.ConnectionError, lib.TimeoutError) as exc:
                now = time.monotonic()
                if now - FailSoftRedisCacheClient._last_logged > LOG_EVERY:
                    FailSoftRedisCacheClient._last_logged = now
                    logger.error("cache unavailable, answering without it: %s", exc)
                return FALLBACKS[name](*args, **kwargs)

        return fail_soft


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = FailSoftRedisCacheClient


def stable(value) -> str:
    """A text for the value that is the same in every process, for a cache key: sets sorted,
    mappings by key, classes by name, lazy translations as their text."""
    if isinstance(value, set | frozenset | list | tuple):
        items = [stable(v) for v in value]
        return "[" + ",".join(sorted(items) if isinstance(value, set | frozenset) else items) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(sorted(f"{stable(k)}:{stable(v)}" for k, v in value.items())) + "}"
    if isinstance(value, type):
        return f"{value.__module__}.{value.__qualname__}"
    if isinstance(value, Promise):
        return repr(str(value))
    return repr(value)


def digest(value) -> str:
    """A short hash of ``stable(value)``: the variable part of a cache key."""
    return hashlib.blake2b(stable(value).encode(), digest_size=16).hexdigest()


#: The versions this request has read (``CacheVersion.current``), or None outside a request.
_request_versions: ContextVar[dict[str, str] | None] = ContextVar("cache_versions", default=None)


def versions_once_a_request(get_response):
    """Middleware: every ``CacheVersion`` read in one round trip, the first time a request
    asks for one, and the same values for the rest of the request (a version read earlier than
    the rows it covers is never the cause of a stale copy; one read later could be)."""

    def middleware(request):
        token = _request_versions.set({})
        try:
            return get_response(request)
        finally:
            _request_versions.reset(token)

    return middleware


class CacheVersion:
    """A version kept in the shared cache for what is read from some rows and kept (in the
    cache or in each process): replaced when the rows change, at once and again when the
    change commits, so a reader that read the old rows in between reads them again.
    ``on_replace`` runs in the process that replaced it (e.g. to drop its own copy)."""

    every: list[CacheVersion] = []

    def __init__(self, key: str, on_replace: Callable[[], None] | None = None):
        self.key = key
        self.on_replace = on_replace
        CacheVersion.every.append(self)

    def current(self) -> str:
        """The version now ("" when the cache cannot be reached: read the rows again); in a
        request, as the request first read it."""
        seen = _request_versions.get()
        if seen is None:
            return self._read(cache.get(self.key))
        if self.key not in seen:
            found = cache.get_many([version.key for version in CacheVersion.every])
            for version in CacheVersion.every:
                seen.setdefault(version.key, version._read(found.get(version.key)))
        return seen[self.key]

    def _read(self, version: str | None) -> str:
        if version is None:
            cache.add(self.key, uuid.uuid4().hex, timeout=None)
            version = cache.get(self.key) or ""
        return version

    def replace(self) -> None:
        version = uuid.uuid4().hex
        cache.set(self.key, version, timeout=None)
        seen = _request_versions.get()
        if seen is not None:
            seen[self.key] = version
        if self.on_replace is not None:
            self.on_replace()

    def changed(self, **kwargs) -> None:
        """A receiver of the rows' ``post_save`` and ``post_delete``."""
        self.replace()
        transaction.on_commit(self.replace)


#: Values this process has read through ``kept``, by key (threads share it: the lock).
_local = LRUCache(maxsize=4096)
_local_lock = threading.Lock()


def kept(key: str, compute: Callable[[], object], timeout: int, *, versions: tuple[str, ...]):
    """The value kept under ``key`` in this process, else in the shared cache, else computed
    and kept in both. For small values whose key names every version they were computed from
    (``versions``), so a kept value is never stale: a change gives a new key. With a version
    unknown ("": the cache was unreachable) nothing is kept in the process."""
    with _local_lock:
        value = _local.get(key)
    if value is not None:
        return value
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    if all(versions):
        with _local_lock:
            _local[key] = value
    return value
