"""Oscar's catalogue dashboard forms. On a product's stock records, on hand is shown but not
edited (it changes through the ledger), and the price is set once, on the warehouse's record:
``partner.strategy.WarehousePriced`` prices every channel from it, so a store's own price would
be ignored."""

from django import forms
from oscar.apps.dashboard.catalogue import forms as oscar_forms
from oscar.apps.dashboard.catalogue.forms import *

from apps.stores.selectors import warehouse

PRICE_FIELDS = ("price_currency", "price")
ONE_PRICE = (
    "One price in every channel: it is set on the {name} row; a store's record has no price "
    "of its own."
)


class StockRecordForm(oscar_forms.StockRecordForm):
    """Every change to on-hand stock goes through the ledger (a stock import, a count or a
    transfer), never a bare edit of the number, so ``check_stock_ledger`` always balances."""

    def __init__(self, product_class, user, *args, **kwargs):
        super().__init__(product_class, user, *args, **kwargs)
        if "num_in_stock" in self.fields:
            field = self.fields["num_in_stock"]
            field.disabled = True
            field.required = False
            field.help_text = "Change stock with Stock > Import stock or a count in the console."
        self.warehouse = warehouse()
        if self.instance.pk and not self.prices_every_channel(self.instance.partner_id):
            for name in PRICE_FIELDS:
                self.fields.pop(name, None)
        elif "price" in self.fields:
            self.fields["price"].required = False
            self.fields["price"].help_text = "The one price, in every channel"

    def prices_every_channel(self, partner_id) -> bool:
        return self.warehouse is not None and partner_id == self.warehouse.partner_id

    def clean(self):
        data = super().clean()
        partner = data.get("partner")
        if partner is None or "price" not in self.fields:
            return data
        if self.prices_every_channel(partner.pk):
            if data.get("price") is None:
                self.add_error("price", "The warehouse's record carries the shop's price.")
        elif data.get("price") is not None:
            name = self.warehouse.name if self.warehouse else "online warehouse"
            self.add_error("price", ONE_PRICE.format(name=name))
        return data
