from django.contrib.staticfiles import finders
from django.http import FileResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView
from oscar.core.loading import get_class, get_model

from apps.stores.my_store import my_store

from . import selectors

Product = get_model("catalogue", "Product")
OscarProductDetailView = get_class("catalogue.views", "ProductDetailView")


class HomeView(TemplateView):
    """The storefront home page: featured categories and products, and the store finder."""

    template_name = "storefront/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            categories=selectors.featured_categories(),
            products=selectors.featured_products(store=my_store(self.request)),
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


class ProductDetailView(OscarProductDetailView):
    """Oscar's product page, its product read with what the page shows of it: the class, the
    images and every stock record (the price, and the warehouse's stock) in three queries, not
    one each time the page asks."""

    def get_queryset(self):
        return Product.objects.select_related(
            "product_class", "parent__product_class"
        ).prefetch_related("images", "stockrecords")
