"""Fulfilment-aware pricing and availability.

Oscar's default strategy uses a product's *first* stock record, which is arbitrary once every
product has one per location. Ours reads availability at the location the shopper will be
served from (the online warehouse for delivery) and the price from the warehouse record, the
one price source for every channel.
"""

from functools import cached_property

from oscar.apps.partner import strategy

from apps.stores.models import Location


def warehouse_partner_id() -> int | None:
    """The online warehouse's partner id."""
    location = Location.objects.filter(kind=Location.Kind.WAREHOUSE).order_by("pk").first()
    return location.partner_id if location else None


class UseLocationStockRecord:
    """Pick the stock record of the serving location; uses prefetched records when present."""

    @cached_property
    def serving_partner_id(self):
        return warehouse_partner_id()

    def select_stockrecord(self, product):
        for record in product.stockrecords.all():
            if record.partner_id == self.serving_partner_id:
                return record
        return None


class Omnichannel(
    UseLocationStockRecord, strategy.StockRequired, strategy.NoTax, strategy.Structured
):
    """Availability at the serving location, one price everywhere, prices shown tax-inclusive."""


class Selector:
    def strategy(self, request=None, user=None, **kwargs):
        return Omnichannel(request)
