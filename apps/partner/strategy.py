"""Pricing and availability from the online warehouse's stock record.

Oscar's default strategy uses a product's *first* stock record, which is arbitrary once every
product has one per location. Ours always picks the warehouse's record: it is the one price
source for every channel, and what a product can be sold for home delivery. Availability at a
store (my store, collect) is told by ``apps.inventory.selectors``, and checkout binds basket
lines to the chosen location's records before allocating there.
"""

from functools import cached_property

from oscar.apps.partner import strategy

from apps.stores.selectors import warehouse


class UseWarehouseStockRecord:
    """Pick the warehouse's stock record; uses prefetched records when present."""

    @cached_property
    def warehouse_partner_id(self) -> int | None:
        location = warehouse()
        return location.partner_id if location else None

    def select_stockrecord(self, product):
        for record in product.stockrecords.all():
            if record.partner_id == self.warehouse_partner_id:
                return record
        return None


class WarehousePriced(
    UseWarehouseStockRecord, strategy.StockRequired, strategy.NoTax, strategy.Structured
):
    """The warehouse's price (one price everywhere) and stock, prices shown tax-inclusive."""


class Selector:
    def strategy(self, request=None, user=None, **kwargs):
        return WarehousePriced(request)
