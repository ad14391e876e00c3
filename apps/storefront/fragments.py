"""Rendered parts of storefront pages kept in the shared cache, keyed on what they show.

Rendering is most of a storefront page's time (a product page: about 19 of 25 ms), and most of
what is rendered is the same for every shopper. A fragment's key is made of the values it is
rendered from, read fresh on every request (the product's row, its price, the units at each
location the page names, the shopper's store): when stock moves, the key changes and the next
request renders anew, so a kept fragment is never stale and nothing has to be told to forget
it. What the key cannot name cheaply (categories, images, attributes, recommendations, reviews)
is covered by one catalogue version, replaced on any change to those rows (at once and again
on commit), the stores' version (names, hours: ``apps.stores.directory``) and the templates'
own release, so a deploy never serves old markup.

A form's CSRF token differs per visitor: it is kept as a placeholder and put back on the way
out. Entries expire after ``TTL`` so the cache's size stays bounded.
"""

from __future__ import annotations

import hashlib
from functools import cache as once
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save

from apps.stores import directory
from config.cache import CacheVersion

VERSION = CacheVersion("storefront:catalogue-version")
#: How long a kept fragment lives unless its key changes first (bounds the cache's size).
TTL = 3600
#: Stands in for the visitor's CSRF token in a kept fragment.
CSRF_PLACEHOLDER = "__omnishop-csrf-token__"
#: Rows whose change changes what fragments show, beyond the values in their keys.
CATALOGUE_APPS = {"catalogue", "reviews"}


@once
def release() -> str:
    """The storefront templates' own version: a hash of every template file the shop
    overrides (a deploy that changes one renders everything anew)."""
    digest = hashlib.blake2b(digest_size=8)
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(folder).rglob("*.html")):
            digest.update(str(path).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def key(name: str, parts, version: str | None = None) -> str:
    """The cache key of fragment ``name`` rendered from ``parts`` (values with a stable
    ``repr``), under ``version`` (``request_version``; the catalogue's when not given)."""
    version = VERSION.current() if version is None else version
    raw = repr((release(), version, parts)).encode()
    return f"storefront:fragment:{name}:{hashlib.blake2b(raw, digest_size=16).hexdigest()}"


def keep(html: str, csrf_token: str | None) -> str:
    """A rendered fragment as it is kept: without the visitor's CSRF token."""
    return html.replace(csrf_token, CSRF_PLACEHOLDER) if csrf_token else html


def serve(kept: str, csrf_token) -> str:
    """A kept fragment for this visitor (their CSRF token put back, read only if needed)."""
    return kept.replace(CSRF_PLACEHOLDER, str(csrf_token)) if CSRF_PLACEHOLDER in kept else kept


def request_version(request) -> str:
    """The versions of the catalogue and of the stores (names, hours), read once a request."""
    if "_fragments_version" not in request.__dict__:
        request._fragments_version = f"{VERSION.current()}:{directory.version()}"
    return request._fragments_version


def get_many(keys: list[str]) -> dict[str, str]:
    return cache.get_many(keys) if keys else {}


def get(fragment_key: str) -> str | None:
    return cache.get(fragment_key)


def put(fragment_key: str, html: str) -> None:
    cache.set(fragment_key, html, TTL)


def put_many(kept: dict[str, str]) -> None:
    if kept:
        cache.set_many(kept, TTL)


def catalogue_changed(sender, **kwargs) -> None:
    if sender._meta.app_label in CATALOGUE_APPS:
        VERSION.changed()


def forget() -> None:
    """Render everything anew (tests roll rows back; the demo loads a new catalogue)."""
    VERSION.replace()


post_save.connect(catalogue_changed, dispatch_uid="storefront-fragments-save")
post_delete.connect(catalogue_changed, dispatch_uid="storefront-fragments-delete")
m2m_changed.connect(catalogue_changed, dispatch_uid="storefront-fragments-m2m")
