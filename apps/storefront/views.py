from django.contrib.staticfiles import finders
from django.db import transaction
from django.http import FileResponse
from django.template.loader import render_to_string
from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView
from oscar.core.loading import get_class, get_model

from apps.inventory.availability import named_locations
from apps.inventory.selectors import availability_of, records_at
from apps.recommendations.selectors import bought_with_for
from apps.stores.my_store import my_store

from . import fragments, selectors

Product = get_model("catalogue", "Product")
OscarProductDetailView = get_class("catalogue.views", "ProductDetailView")
CustomerHistoryManager = get_class("customer.history", "CustomerHistoryManager")


class HomeView(fragments.KeptPage, TemplateView):
    """The storefront home page: featured categories and products, and the store finder; kept
    whole for the cards' values (the categories change with the catalogue's version)."""

    template_name = "storefront/home.html"

    def kept_page_parts(self, context):
        return selectors.cards_parts(self.request, context["products"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            categories=selectors.featured_categories(),
            products=selectors.featured_products(
                store=my_store(self.request), holder=selectors.holder(self.request)
            ),
            **kwargs,
        )


@require_safe
@cache_control(public=True, max_age=24 * 3600)
def favicon(request):
    """Browsers ask every site for /favicon.ico, whatever the page says: the shop's icon."""
    return FileResponse(
        open(finders.find("omnishop/icons/favicon.ico"), "rb"),  # noqa: SIM115 - FileResponse closes it
        content_type="image/x-icon",
    )


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class ProductDetailView(fragments.KeptPage, OscarProductDetailView):
    """Oscar's product page, its product read with the class and its stock records at the
    locations the page names (the price, and the availability); the page is kept rendered for
    the values it shows (``selectors.product_page_parts``), so the images, categories and
    attributes are read only when it is rendered anew. It writes nothing, so it needs no
    transaction of its own."""

    def get_queryset(self):
        # Every location the page names, with its available to sell: the price (the
        # warehouse's record) and the availability in one query.
        self.named = named_locations(my_store(self.request))
        return Product.objects.select_related(
            "product_class", "parent__product_class"
        ).prefetch_related(records_at(self.named.locations, holder=selectors.holder(self.request)))

    def get_object(self, queryset=None):
        if hasattr(self, "object"):  # Oscar's get() asks twice: the availability once
            return self.object
        product = super().get_object(queryset)
        selectors.availability_for(
            self.request, product, named=self.named, units=availability_of(product)
        )
        return product

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["page_parts"] = selectors.product_page_parts(self.request, self.object)
        return ctx

    own_parts = ("recently_viewed",)

    def own_recently_viewed(self) -> str:
        """Oscar's "recently viewed", as its ``recently_viewed_products`` tag renders it (no
        query when this product is the only one the visitor has viewed)."""
        viewed_ids = CustomerHistoryManager.extract(self.request)
        others = {i for i in viewed_ids if isinstance(i, int)} - {self.object.pk}
        viewed = others and [p for p in CustomerHistoryManager.get(self.request) if p.pk in others]
        return render_to_string(
            "oscar/customer/history/recently_viewed_products.html",
            {"products": viewed, "request": self.request},
        )

    def kept_page_parts(self, context):
        # The recommended products' cards: their own prices and stock; the products often
        # bought with this one as the page shows them.
        cards = selectors.cards_parts(
            self.request, selectors.recommended_products(self.request, self.object)
        )
        together = tuple(s.shown for s in bought_with_for(self.request, self.object))
        return None if cards is None else (context["page_parts"], cards, together)
