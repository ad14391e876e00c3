"""The shopper's "my store": in the session, and on the profile of a signed-in shopper."""

from __future__ import annotations

from .models import PreferredStore, Store
from .selectors import active_store

SESSION_KEY = "my_store_id"


def my_store(request) -> Store | None:
    """The store this shopper chose, or None (looked up once per request)."""
    if not hasattr(request, "_my_store"):
        request._my_store = _lookup(request)
    return request._my_store


def _lookup(request) -> Store | None:
    store_id = request.session.get(SESSION_KEY)
    if store_id is None and request.user.is_authenticated:
        store_id = (
            PreferredStore.objects.filter(user=request.user)
            .values_list("location_id", flat=True)
            .first()
        )
        if store_id is not None:
            request.session[SESSION_KEY] = store_id
    if store_id is None:
        return None
    return active_store(store_id)


def choose_store(request, store: Store) -> None:
    request.session[SESSION_KEY] = store.pk
    request._my_store = store
    if request.user.is_authenticated:
        PreferredStore.objects.update_or_create(user=request.user, defaults={"location": store})
