"""The storefront menu's categories, read from the database once per change of any category
(three queries on every page before): kept in the shared cache under a version that any save or
delete of a category replaces, at once and again when the change commits."""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from oscar.core.loading import get_model
from oscar.templatetags.category_tags import get_annotated_list

Category = get_model("catalogue", "Category")
VERSION_KEY = "storefront:menu-version"
#: A day: the version changes with the categories, so this only bounds the cache's size.
TTL = 24 * 3600


def top_categories() -> list[tuple[str, str]]:
    """(name, address) of each top-level category shown in the menu, in the tree's order."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = _new_version()
    key = f"storefront:menu:{version}"
    found = cache.get(key)
    if found is None:
        found = [(c.name, c.get_absolute_url()) for c, _ in get_annotated_list(depth=1)]
        cache.set(key, found, TTL)
    return found


def _new_version() -> str:
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, timeout=None)
    return version


def forget() -> None:
    """Read the categories again on the next page (tests roll rows back)."""
    _new_version()


def changed(**kwargs) -> None:
    _new_version()
    transaction.on_commit(_new_version)


post_save.connect(changed, sender=Category, dispatch_uid="storefront-menu-save")
post_delete.connect(changed, sender=Category, dispatch_uid="storefront-menu-delete")
