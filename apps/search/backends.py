"""Search engines whose answers are kept in the shared cache until the index changes.

A listing page asked Whoosh twice (the count, then the page), about 90 ms a request with 2,000
products: more than half of a category page's time. The index changes only when it is written
(``update_index``, a product saved through the backend), so an answer is kept under the index's
version, which every write through the backend replaces (at once, and again on commit): the
next search after a write asks the engine again, in every process. What a page shows of stock
and price is read from the database on every request, never from the index.
"""

from __future__ import annotations

from django.core.cache import cache
from haystack.backends import whoosh_backend

from config.cache import CacheVersion, digest

VERSION = CacheVersion("search:index-version")
#: How long an answer is kept unless the index changes first (bounds the cache's size).
TTL = 600


class KeptAnswers:
    """Keeps a backend's search answers per query and index version; a write replaces the
    version."""

    def search(self, query_string, **kwargs):
        key = f"search:answer:{VERSION.current()}:{digest((query_string, kwargs))}"
        answer = cache.get(key)
        if answer is None:
            answer = super().search(query_string, **kwargs)
            cache.set(key, answer, TTL)
        return answer

    def update(self, *args, **kwargs):
        super().update(*args, **kwargs)
        VERSION.changed()

    def remove(self, *args, **kwargs):
        super().remove(*args, **kwargs)
        VERSION.changed()

    def clear(self, *args, **kwargs):
        super().clear(*args, **kwargs)
        VERSION.changed()


class WhooshSearchBackend(KeptAnswers, whoosh_backend.WhooshSearchBackend):
    pass


class WhooshEngine(whoosh_backend.WhooshEngine):
    backend = WhooshSearchBackend
