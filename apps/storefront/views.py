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
