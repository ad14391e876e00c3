"""A Redis cache that degrades instead of failing: with Redis down, reads miss and writes are
dropped, so pages and the read-only API still answer (the anonymous API throttle, which keeps
its counts in the cache, lets callers through) while the outage is logged."""

import hashlib
import logging
import time
import uuid
from collections.abc import Callable

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


class CacheVersion:
    """A version kept in the shared cache for what is read from some rows and kept (in the
    cache or in each process): replaced when the rows change, at once and again when the
    change commits, so a reader that read the old rows in between reads them again.
    ``on_replace`` runs in the process that replaced it (e.g. to drop its own copy)."""

    def __init__(self, key: str, on_replace: Callable[[], None] | None = None):
        self.key = key
        self.on_replace = on_replace

    def current(self) -> str:
        """The version now ("" when the cache cannot be reached: read the rows again)."""
        version = cache.get(self.key)
        if version is None:
            cache.add(self.key, uuid.uuid4().hex, timeout=None)
            version = cache.get(self.key) or ""
        return version

    def replace(self) -> None:
        cache.set(self.key, uuid.uuid4().hex, timeout=None)
        if self.on_replace is not None:
            self.on_replace()

    def changed(self, **kwargs) -> None:
        """A receiver of the rows' ``post_save`` and ``post_delete``."""
        self.replace()
        transaction.on_commit(self.replace)
