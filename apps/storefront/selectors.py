"""Reads for the storefront's home page, in a fixed number of queries."""

from django.db.models import Count, Q
from oscar.core.loading import get_model

from apps.inventory.selectors import listing_queryset, with_store_units

Category = get_model("catalogue", "Category")


def featured_categories(limit: int = 12):
    """Top-level categories that have public products, with a count of them."""
    return (
        Category.objects.get_root_nodes()
        .filter(is_public=True)
        .annotate(n_products=Count("product", filter=Q(product__is_public=True)))
        .filter(n_products__gt=0)
        .order_by("name")[:limit]
    )


def featured_products(*, store=None, limit: int = 8):
    """Newest public products, with my store's availability when there is one."""
    products = (
        listing_queryset()
        .browsable()
        .filter(is_public=True)
        .order_by("-date_created", "-pk")[:limit]
    )
    return with_store_units(products, store)
