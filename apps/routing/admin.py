from django.contrib import admin

from .models import RouteLeadTime, RoutingDecision


@admin.register(RouteLeadTime)
class RouteLeadTimeAdmin(admin.ModelAdmin):
    """Days a transfer takes on a route (without a row: ROUTING_TRANSFER_DAYS)."""

    list_display = ["source", "destination", "days"]
    list_filter = ["source", "destination"]
    list_select_related = ["source", "destination"]


@admin.register(RoutingDecision)
class RoutingDecisionAdmin(admin.ModelAdmin):
    """Read only: why each order's units come from where they do."""

    list_display = ["order", "part", "policy", "rule", "location", "source", "transfer", "reason"]
    list_filter = ["policy", "rule"]
    list_select_related = ["order", "location", "source", "transfer"]
    search_fields = ["order__number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
