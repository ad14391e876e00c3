"""Reads for the storefront home page."""

from django.db.models import Count, Q
from oscar.core.loading import get_model

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")


def featured_categories(limit: int = 12):
    """Top-level categories that have public products, with a count of them."""
    return (
        Category.objects.get_root_nodes()
        .filter(is_public=True)
        .annotate(n_products=Count("product", filter=Q(product__is_public=True)))
        .filter(n_products__gt=0)
        .order_by("name")[:limit]
    )


def featured_products(limit: int = 8):
    """Newest public products, with what their cards need, in a fixed number of queries."""
    return (
        Product.objects.browsable()
        .base_queryset()
        .filter(is_public=True)
        .order_by("-date_created", "-pk")[:limit]
    )
