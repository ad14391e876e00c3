"""The storefront menu's categories, read from the database once per change of any category
(three queries on every page before): kept in the shared cache under a version that any save or
delete of a category replaces, at once and again when the change commits."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from oscar.core.loading import get_model
from oscar.templatetags.category_tags import get_annotated_list

from config.cache import CacheVersion

Category = get_model("catalogue", "Category")
VERSION = CacheVersion("storefront:menu-version")
#: A day: the version changes with the categories, so this only bounds the cache's size.
TTL = 24 * 3600


def top_categories() -> list[tuple[str, str]]:
    """(name, address) of each top-level category shown in the menu, in the tree's order."""
    key = f"storefront:menu:{VERSION.current()}"
    found = cache.get(key)
    if found is None:
        found = [(c.name, c.get_absolute_url()) for c, _ in get_annotated_list(depth=1)]
        cache.set(key, found, TTL)
    return found


def forget() -> None:
    """Read the categories again on the next page (tests roll rows back)."""
    VERSION.replace()


post_save.connect(VERSION.changed, sender=Category, dispatch_uid="storefront-menu-save")
post_delete.connect(VERSION.changed, sender=Category, dispatch_uid="storefront-menu-delete")
