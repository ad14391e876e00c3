"""Pricing and availability from the online warehouse's stock record.

Oscar's default strategy uses a product's *first* stock record, which is arbitrary once every
product has one per location. Ours always picks the warehouse's record: it is the one price
source for every channel, and what a product can be sold for home delivery. Availability at a
store (my store, collect) is told by ``apps.inventory.selectors``, and checkout binds basket
lines to the chosen location's records before allocating there.
"""

from functools import cached_property

from oscar.apps.partner import strategy
from oscar.core.loading import get_model

from apps.stores.selectors import warehouse

StockRecord = get_model("partner", "StockRecord")


class UseWarehouseStockRecord:
    """Pick the warehouse's stock record: from the product's prefetched records when present,
    else read once a request for the product and every product in the visitor's basket
    together (a basket page asks for each line's price several times: one query, not one per
    line and ask)."""

    @cached_property
    def warehouse_partner_id(self) -> int | None:
        location = warehouse()
        return location.partner_id if location else None

    @cached_property
    def _read(self) -> dict:
        return {}

    def select_stockrecord(self, product):
        if "stockrecords" in getattr(product, "_prefetched_objects_cache", {}):
            for record in product.stockrecords.all():
                if record.partner_id == self.warehouse_partner_id:
                    return record
            return None
        if product.pk not in self._read:
            wanted = {product.pk} | self._basket_product_ids()
            records = StockRecord.objects.filter(
                product_id__in=wanted, partner_id=self.warehouse_partner_id
            )
            self._read.update(dict.fromkeys(wanted))
            self._read.update({record.product_id: record for record in records})
        return self._read[product.pk]

    def _basket_product_ids(self) -> set[int]:
        basket = getattr(self.request, "_basket_cache", None) if self.request else None
        if basket is None or not basket.pk:
            return set()
        return {line.product_id for line in basket.all_lines()}


class WarehousePriced(
    UseWarehouseStockRecord, strategy.StockRequired, strategy.NoTax, strategy.Structured
):
    """The warehouse's price (one price everywhere) and stock, prices shown tax-inclusive."""


class Selector:
    def strategy(self, request=None, user=None, **kwargs):
        return WarehousePriced(request)
