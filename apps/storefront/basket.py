"""The basket, read as Oscar reads it, minus work a shop without offers never needs.

Oscar looks up the site's offers and the basket's vouchers' offers twice on every page with a
basket (once to apply them, once for the basket page's "spend £x more" messages): four queries
that find nothing in a shop that runs no offers. Whether any offer exists at all is kept in the
shared cache under a version that any save or delete of an offer replaces; with none, neither
lookup runs. The basket's lines are read with their products' classes (whether a line needs
shipping asks it: one query per line before).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from oscar.apps.basket import middleware
from oscar.core.loading import get_class, get_model

from config.cache import CacheVersion, kept

from . import fragments, selectors

ConditionalOffer = get_model("offer", "ConditionalOffer")
OscarBasketView = get_class("basket.views", "BasketView")
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


class BasketView(fragments.KeptPage, OscarBasketView):
    """Oscar's basket page, kept whole for a visitor who is not signed in for the values it is
    rendered from (``selectors.basket_page_parts``): viewed again unchanged, it is not rendered
    again."""

    kept_with_basket = True

    def get_upsell_messages(self, basket):
        return super().get_upsell_messages(basket) if offers_exist() else []

    def kept_page_parts(self, context):
        if offers_exist():
            return None  # what an offer says depends on more than the lines
        return selectors.basket_page_parts(
            self.request, self.request.basket, CheckoutSessionData(self.request)
        )


post_save.connect(VERSION.changed, sender=ConditionalOffer, dispatch_uid="offers-exist-save")
post_delete.connect(VERSION.changed, sender=ConditionalOffer, dispatch_uid="offers-exist-delete")
