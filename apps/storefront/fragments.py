"""Rendered parts of storefront pages kept in the shared cache, keyed on what they show.

Rendering is most of a storefront page's time (a product page: about 19 of 25 ms), and most of
what is rendered is the same for every shopper. A fragment's key is made of the values it is
rendered from, read fresh on every request (the product's row, its price, the units at each
location the page names, the shopper's store): when stock moves, the key changes and the next
request renders anew, so a kept fragment is never stale and nothing has to be told to forget
it. What the key cannot name cheaply (categories, images, attributes, recommendations, reviews)
is covered by one catalogue version, replaced on any change to those rows (at once and again
on commit), the stores' version (names, hours: ``apps.stores.directory``) and the templates'
own release (a hash of the code), so a deploy never serves old markup.

A form's CSRF token differs per visitor and a page's CSP nonce per request: each is kept as a
placeholder and put back on the way out. Entries expire after ``TTL`` so the cache's size stays
bounded.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache as once
from pathlib import Path

import oscar
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from oscar.templatetags.history_tags import get_back_button

from apps.stores import directory
from apps.stores.my_store import my_store
from config.cache import CacheVersion, digest

VERSION = CacheVersion("storefront:catalogue-version")
#: How long a kept fragment lives unless its key changes first (bounds the cache's size).
TTL = 3600
#: Stand in for the visitor's CSRF token and the page's CSP nonce in kept markup.
CSRF_PLACEHOLDER = "__omnishop-csrf-token__"
NONCE_PLACEHOLDER = "__omnishop-csp-nonce__"
#: Rows whose change changes what fragments show, beyond the values in their keys.
CATALOGUE_APPS = {"catalogue", "reviews"}


@once
def release() -> str:
    """The code's own version: a hash of the shop's templates and Python code and Oscar's
    version (a deploy that changes what a page says renders everything anew)."""
    code = hashlib.blake2b(oscar.VERSION.__repr__().encode(), digest_size=8)
    folders = [(Path(d), "*.html") for d in settings.TEMPLATES[0]["DIRS"]]
    for folder, pattern in [*folders, (Path(settings.BASE_DIR) / "apps", "*.py")]:
        for path in sorted(folder.rglob(pattern)):
            code.update(str(path.relative_to(folder)).encode())
            code.update(path.read_bytes())
    return code.hexdigest()


def key(request, name: str, parts) -> str:
    """The cache key of fragment ``name`` rendered from ``parts`` (plain values, sets, lists and
    mappings of them), under the code's release and this request's versions."""
    return f"storefront:fragment:{name}:{digest((release(), request_version(request), parts))}"


def keep(html: str, request, csrf_token=None) -> str:
    """Markup as it is kept: without the visitor's CSRF token (when rendering it read the
    token: ``csrf_token`` is the value the template was given) and the page's CSP nonce."""
    if csrf_token is not None and request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        html = html.replace(str(csrf_token), CSRF_PLACEHOLDER)
    nonce = request.__dict__.get("_csp_nonce")
    return html.replace(nonce, NONCE_PLACEHOLDER) if isinstance(nonce, str) else html


def serve(kept: str, request, csrf_token=None) -> str:
    """Kept markup for this visitor: their CSRF token and this page's nonce put back (each read,
    and so sent, only when the markup has a place for it)."""
    if CSRF_PLACEHOLDER in kept:
        token = get_token(request) if csrf_token is None else str(csrf_token)
        kept = kept.replace(CSRF_PLACEHOLDER, token)
    if NONCE_PLACEHOLDER in kept:
        kept = kept.replace(NONCE_PLACEHOLDER, str(request.csp_nonce))
    return kept


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


class KeptPage:
    """A page kept whole for a visitor who has nothing of their own on it yet: a GET, not signed
    in, no basket (unless ``kept_with_basket``), no message waiting, no query string (unless
    ``kept_with_query``). The key is the address, my store, the back link and
    ``kept_page_parts(context)``: every value the page is rendered from beyond the catalogue's
    and stores' versions (``None``: render it each time). The visitor's CSRF token and the
    page's CSP nonce are put back on the way out, and the visitor's own parts rendered in."""

    #: Whether the page is kept for an address with a query string too (a listing's search,
    #: facets, sort and page number: the query is then part of the key).
    kept_with_query = False
    #: Whether the page is kept for a visitor with a basket (the basket page: its key names the
    #: basket's lines).
    kept_with_basket = False
    #: The visitor's own parts of the page, each marked in its template
    #: (``<!--own:NAME-->…<!--/own:NAME-->``): cut out of the kept page and rendered for each
    #: visitor by the view's ``own_NAME()``.
    own_parts: tuple[str, ...] = ()

    def kept_page_parts(self, context) -> tuple | None:
        return None

    def shared_page(self) -> bool:
        request = self.request
        return request.method == "GET" and not (
            request.user.is_authenticated
            or (request.GET and not self.kept_with_query)
            or (request.basket.pk and not self.kept_with_basket)
            or len(messages.get_messages(request))
        )

    def render_to_response(self, context, **kwargs):
        request = self.request
        parts = self.kept_page_parts(context) if self.shared_page() else None
        if parts is None:
            return super().render_to_response(context, **kwargs)
        back = get_back_button({"request": request})
        store = my_store(request)
        page_key = key(
            request,
            "page",
            (
                request.path,
                sorted(request.GET.lists()),
                store and store.pk,
                back and (back["url"], back["title"]),
                parts,
            ),
        )
        kept = get(page_key)
        if kept is not None:
            html = serve(kept, request)
            for name in self.own_parts:
                html = html.replace(own_placeholder(name), getattr(self, f"own_{name}")())
            return HttpResponse(html)
        context["csrf_token"] = token = get_token(request)  # the value to find in the page
        response = super().render_to_response(context, **kwargs)

        def kept_once_rendered(response):  # after the middleware's additions (the basket)
            html = response.content.decode()
            for name in self.own_parts:
                pattern = f"<!--own:{name}-->.*?<!--/own:{name}-->"
                html = re.sub(pattern, own_placeholder(name), html, flags=re.S)
            put(page_key, keep(html, request, token))

        response.add_post_render_callback(kept_once_rendered)
        return response


def own_placeholder(name: str) -> str:
    return f"__omnishop-own:{name}__"
