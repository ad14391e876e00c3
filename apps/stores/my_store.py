"""The shopper's "my store": in a signed cookie of its own, and on the profile of a signed-in
shopper (so it follows them to another device).

A cookie rather than the session: a page that shows my store's availability then reads no
session at all (no cache or database read), and choosing a store starts no session.
"""

from __future__ import annotations

from django.conf import settings

from .models import PreferredStore, Store
from .selectors import active_store

COOKIE_NAME = "my_store"
COOKIE_SALT = "omnishop.stores.my_store"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60
#: Where the store was kept before the cookie: read once, then moved to the cookie.
SESSION_KEY = "my_store_id"


def my_store(request) -> Store | None:
    """The store this shopper chose, or None (looked up once per request)."""
    if not hasattr(request, "_my_store"):
        request._my_store = _lookup(request)
    return request._my_store


def _lookup(request) -> Store | None:
    store_id = _from_cookie(request)
    if store_id is None:
        store_id = _remembered(request)
        if store_id is not None:
            request._my_store_to_keep = store_id  # written to the cookie on the way out
    return active_store(store_id) if store_id is not None else None


def _from_cookie(request) -> int | None:
    value = request.get_signed_cookie(COOKIE_NAME, default=None, salt=COOKIE_SALT)
    return int(value) if value is not None and value.isdigit() else None


def _remembered(request) -> int | None:
    """The store on the signed-in shopper's profile, or in a session from before the cookie."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        store_id = request.session.get(SESSION_KEY)
        if store_id is not None:
            return store_id
    if request.user.is_authenticated:
        return (
            PreferredStore.objects.filter(user=request.user)
            .values_list("location_id", flat=True)
            .first()
        )
    return None


def choose_store(request, store: Store) -> None:
    request._my_store = store
    request._my_store_to_keep = store.pk
    if request.user.is_authenticated:
        PreferredStore.objects.update_or_create(user=request.user, defaults={"location": store})


def keep_in_cookie(get_response):
    """Middleware: writes the store chosen (or found on the profile) in this request to the
    shopper's my-store cookie."""

    def middleware(request):
        response = get_response(request)
        store_id = getattr(request, "_my_store_to_keep", None)
        if store_id is not None:
            response.set_signed_cookie(
                COOKIE_NAME,
                str(store_id),
                salt=COOKIE_SALT,
                max_age=COOKIE_MAX_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    return middleware
