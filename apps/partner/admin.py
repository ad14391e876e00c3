"""Oscar's partner admin. A stock record's counts are read-only here, for everyone: on hand and
allocated change only through the stock screens and imports, which write the ledger. Its price
is read-only too: the warehouse's record prices every channel, set in the product editor."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from oscar.apps.partner import admin as oscar_admin
from oscar.apps.partner.admin import *
from oscar.core.loading import get_model

StockRecord = get_model("partner", "StockRecord")

#: What the admin may never write on a stock record.
READ_ONLY = ("num_in_stock", "num_allocated", "price_currency", "price")


class StockRecordAdmin(oscar_admin.StockRecordAdmin):
    list_display = (
        "product",
        "partner",
        "partner_sku",
        "bin_location",
        "num_in_stock",
        "num_allocated",
    )
    search_fields = (*oscar_admin.StockRecordAdmin.search_fields, "bin_location")
    readonly_fields = READ_ONLY

    def get_fieldsets(self, request, obj=None):
        where = format_html(
            "On hand and allocated change only through <a href='{}'>Stock by location</a> "
            "(a count on the record's page), <a href='{}'>Import stock</a>, a transfer, or a "
            "count in the store console: each writes the stock ledger. The price is set once, "
            "on the online warehouse's record in the product editor, and sells in every channel.",
            reverse("dashboard:stock-list"),
            reverse("dashboard:stock-import"),
        )
        return [
            (None, {"fields": ["product", "partner", "partner_sku", "bin_location"]}),
            ("Stock and price (read-only here)", {"fields": list(READ_ONLY), "description": where}),
            (None, {"fields": ["low_stock_threshold"]}),
        ]


admin.site.unregister(StockRecord)
admin.site.register(StockRecord, StockRecordAdmin)
