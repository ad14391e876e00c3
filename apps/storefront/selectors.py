"""Reads for the storefront: home page and product listings, in a fixed number of queries."""

from django.db.models import Count, F, Prefetch, Q
from oscar.core.loading import get_model

from apps.inventory.selectors import availability

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")


def featured_categories(limit: int = 12):
    """Top-level categories that have public products, with a count of them."""
    return (
        Category.objects.get_root_nodes()
        .filter(is_public=True)
        .annotate(n_products=Count("product", filter=Q(product__is_public=True)))
        .filter(n_products__gt=0)
        .order_by("name")[:limit]
    )


def listing_queryset():
    """Products with what a product card needs, and only the warehouse's stock record:
    Oscar's base queryset would fetch every location's record of every product."""
    return (
        Product.objects.base_queryset()
        .prefetch_related(None)
        .prefetch_related(
            "children",
            "product_options",
            "product_class__options",
            "images",
            Prefetch(
                "stockrecords",
                queryset=StockRecord.objects.filter(partner__location__kind="warehouse"),
            ),
        )
    )


def with_store_units(products, store):
    """Set ``my_store_units`` (available to sell at the shopper's store) on each product."""
    products = list(products)
    if store is not None and products:
        units = availability(products=products, locations=[store])
        for product in products:
            product.my_store_units = units.at(product, store)
    return products


def featured_products(*, store=None, limit: int = 8):
    """Newest public products, with my store's availability when there is one."""
    products = (
        listing_queryset()
        .browsable()
        .filter(is_public=True)
        .order_by("-date_created", "-pk")[:limit]
    )
    return with_store_units(products, store)


def load_search_results(results, *, store=None) -> None:
    """Give a page of search results their products in one go (Haystack loads them one by one)."""
    ids = [int(r.pk) for r in results]
    products = listing_queryset().in_bulk(ids)
    with_store_units(products.values(), store)
    for result in results:
        result._object = products.get(int(result.pk))


def product_ids_available_at(store) -> list[int]:
    """Ids of the products the store can sell now (for the "available at my store" filter)."""
    return list(
        StockRecord.objects.filter(partner_id=store.partner_id)
        .filter(num_in_stock__gt=F("num_allocated") + store.safety_buffer)
        .values_list("product_id", flat=True)
    )
