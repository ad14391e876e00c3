"""The basket, read as Oscar reads it, minus work a shop without offers never needs.

Oscar looks up the site's offers and the basket's vouchers' offers twice on every page with a
basket (once to apply them, once for the basket page's "spend £x more" messages): four queries
that find nothing in a shop that runs no offers. Whether any offer exists at all is kept in the
shared cache under a version that any save or delete of an offer replaces; with none, neither
lookup runs. The basket's lines are read with their products' classes (whether a line needs
shipping asks it: one query per line before).
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models.signals import post_delete, post_save
from django.shortcuts import redirect
from oscar.apps.basket import middleware
from oscar.core.loading import get_class, get_model

from apps.inventory import holds
from apps.inventory.selectors import basket_quantities, holds_on
from apps.stores.my_store import my_store
from config.cache import CacheVersion, kept

from . import fragments, selectors

ConditionalOffer = get_model("offer", "ConditionalOffer")
OscarBasketView = get_class("basket.views", "BasketView")
OscarBasketAddView = get_class("basket.views", "BasketAddView")
CheckoutSessionData = get_class("checkout.utils", "CheckoutSessionData")
VERSION = CacheVersion("storefront:offers-version")


def offers_exist() -> bool:
    """Whether the shop has any offer (active or not, site-wide or behind a voucher)."""
    version = VERSION.current()
    return kept(
        f"storefront:offers-exist:{version}",
        ConditionalOffer.objects.exists,
        24 * 3600,
        versions=(version,),
    )


class BasketMiddleware(middleware.BasketMiddleware):
    def get_basket(self, request):
        basket = super().get_basket(request)
        if basket.pk and basket._lines is None:
            basket._lines = (
                basket.lines.select_related(
                    "product__product_class", "product__parent__product_class", "stockrecord"
                )
                .prefetch_related("attributes", "product__images")
                .order_by("pk")
            )
        return basket

    def apply_offers_to_basket(self, request, basket):
        if offers_exist():
            super().apply_offers_to_basket(request, basket)

    def merge_baskets(self, master, slave):
        """A guest who signs in keeps what was held for their basket."""
        super().merge_baskets(master, slave)
        holds.move(from_basket=slave, to_basket=master, user=master.owner)


def collect_store(request):
    """The store a flash-sale hold is taken at: the shopper's store, if it offers collect
    and holds are on (None otherwise: nothing is held)."""
    if not holds_on():
        return None
    store = my_store(request)
    return store if store is not None and store.click_and_collect else None


class BasketAddView(OscarBasketAddView):
    """Oscar's add to basket; in flash-sale mode the units are held for the shopper at their
    store first, and only what could be held is added (the shopper is told why fewer). A
    product my store has none of at all is added as without the sale (for delivery)."""

    def form_valid(self, form):
        store = collect_store(self.request)
        if store is None:
            return super().form_valid(form)
        basket = self.request.basket
        if not basket.pk:
            basket.save()  # a hold belongs to a basket; Oscar keeps its cookie on the way out
        asked = form.cleaned_data["quantity"]
        before = basket_quantities(basket).get(form.product.pk, 0)
        (held,) = holds.hold(
            basket=basket,
            location=store,
            wanted={form.product.pk: before + asked},
            user=self.request.user,
        )
        if not held.stocked:  # my store has none at all: added as without a sale (delivery)
            return super().form_valid(form)
        adding = held.held - before
        if adding <= 0:
            messages.warning(self.request, held.message)
            return redirect(self.get_success_url())
        form.cleaned_data["quantity"] = adding
        response = super().form_valid(form)
        (messages.warning if held.short else messages.info)(self.request, held.message)
        return response


class BasketView(fragments.KeptPage, OscarBasketView):
    """Oscar's basket page, kept whole for a visitor who is not signed in for the values it is
    rendered from (``selectors.basket_page_parts``): viewed again unchanged, it is not rendered
    again."""

    kept_with_basket = True

    def get_upsell_messages(self, basket):
        return super().get_upsell_messages(basket) if offers_exist() else []

    def formset_valid(self, formset):
        """Quantities changed: in flash-sale mode the holds follow the lines (a line that
        grew beyond what is free is cut back, with the reason)."""
        response = super().formset_valid(formset)
        store = collect_store(self.request)
        if store is not None:
            for held in holds.hold_basket(
                basket=self.request.basket, location=store, user=self.request.user
            ):
                if held.short:
                    messages.warning(self.request, held.message)
        return response

    def kept_page_parts(self, context):
        if offers_exist():
            return None  # what an offer says depends on more than the lines
        return selectors.basket_page_parts(
            self.request, self.request.basket, CheckoutSessionData(self.request)
        )


post_save.connect(VERSION.changed, sender=ConditionalOffer, dispatch_uid="offers-exist-save")
post_delete.connect(VERSION.changed, sender=ConditionalOffer, dispatch_uid="offers-exist-delete")
