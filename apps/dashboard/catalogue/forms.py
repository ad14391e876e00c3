"""Oscar's catalogue dashboard forms; on-hand stock is shown but not edited on the product form."""

from oscar.apps.dashboard.catalogue import forms as oscar_forms
from oscar.apps.dashboard.catalogue.forms import *


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
