"""Keeping the product index up to date: the products named are indexed again as they are
now in the database, or taken out of the index when they are no longer browsable (hidden,
deleted, a variant). Called by ``tasks.update_product_index``, after the change commits."""

from collections.abc import Iterable

from haystack import connection_router, connections
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")


def update_products(product_ids: Iterable[int]) -> dict[str, int]:
    """Index the products again in every search connection written to; a variant's parent
    too (its price and listing come from its variants). Returns how many were indexed and
    how many removed."""
    ids = {int(pk) for pk in product_ids}
    ids |= set(
        Product.objects.filter(pk__in=ids, parent__isnull=False).values_list("parent_id", flat=True)
    )
    done = {"indexed": 0, "removed": 0}
    for alias in connection_router.for_write():
        index = connections[alias].get_unified_index().get_index(Product)
        backend = connections[alias].get_backend()
        browsable = list(index.index_queryset(using=alias).filter(pk__in=ids))
        backend.update(index, browsable)
        gone = ids - {product.pk for product in browsable}
        for pk in sorted(gone):
            backend.remove(f"catalogue.product.{pk}")
        done["indexed"] += len(browsable)
        done["removed"] += len(gone)
    return done
