from django.contrib.staticfiles import finders
from django.http import FileResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from apps.stores.my_store import my_store

from . import selectors


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
