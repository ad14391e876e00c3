from django.contrib import admin

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
        "order",
        "user",
        "note",
    ]
    list_filter = ["reason", "location"]
    search_fields = ["product__upc", "product__title", "order__number", "note"]
    list_select_related = ["location", "product", "order", "user"]
    date_hierarchy = "created_at"


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
