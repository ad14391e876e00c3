"""Oscar's product index, fed in bulk: the records it needs are fetched with the products.

Oscar's index asks the strategy for each product's price and stock one product at a time,
which reads every location's stock record (one query each, and hundreds of rows per product
once there are hundreds of stores). Ours prefetches the warehouse record, the categories and
the product class, so indexing costs a few queries per batch instead of several per product.
It keeps the warehouse's price (for ordering and the price facet) but no stock.
"""

from oscar.apps.search import search_indexes as oscar_indexes

from apps.inventory.selectors import warehouse_records


class ProductIndex(oscar_indexes.ProductIndex):
    def index_queryset(self, using=None):
        return (
            super()
            .index_queryset(using)
            .select_related("product_class", "parent__product_class")
            .prefetch_related(warehouse_records(), "categories")
        )

    def prepare_category(self, obj):
        return [category.pk for category in obj.categories.all()]

    def prepare_price(self, obj):
        if obj.is_parent:
            info = self.get_strategy().fetch_for_parent(obj)
        else:
            info = self.get_strategy().fetch_for_product(obj)
            if info.stockrecord is None:
                return None
        return info.price.incl_tax if info.price.is_tax_known else info.price.excl_tax

    def prepare_num_in_stock(self, obj):
        """None: the index keeps no stock. Every page reads stock from the database, so a sale
        or a delivery need not index anything again (docs/search.md)."""
        return None
