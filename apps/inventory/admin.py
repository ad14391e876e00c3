from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from .models import StockImport, StockMovement


class ReadOnlyAdmin(admin.ModelAdmin):
    """The ledger is written by the stock services only: nobody edits or deletes it here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "location",
        "product",
        "reason",
        "on_hand_delta",
        "allocated_delta",
        "source",
        "user",
        "note",
    ]
    list_filter = ["reason", "location"]
    search_fields = ["product__upc", "product__title", "order__number", "note"]
    list_select_related = ["location", "product", "order", "user"]
    date_hierarchy = "created_at"

    @admin.display(description="From")
    def source(self, movement):
        """Its order, and its import, count or transfer, linked to the dashboard's pages."""
        ledger = reverse("dashboard:stock-ledger")
        links = []
        if movement.order_id:
            url = reverse("dashboard:order-detail", args=[movement.order.number])
            links.append(format_html('<a href="{}">Order {}</a>', url, movement.order.number))
        for field, label in (
            ("stock_import", "Import"),
            ("stock_count", "Count"),
            ("transfer", "Transfer"),
        ):
            value = getattr(movement, f"{field}_id")
            if value:
                text = f"{label} {str(value)[:8]}" if field == "transfer" else f"{label} #{value}"
                links.append(format_html('<a href="{}?{}={}">{}</a>', ledger, field, value, text))
        return format_html(" ".join(["{}"] * len(links)), *links) if links else "-"


@admin.register(StockImport)
class StockImportAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "filename",
        "mode",
        "rows_applied",
        "rows_total",
        "idempotency_key",
        "user",
    ]
    search_fields = ["filename", "idempotency_key"]
