from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Exports and erasures, read-only: the log is written by the services alone."""

    list_display = ("at", "kind", "via", "actor", "subject_user_id", "subject_ref")
    list_filter = ("kind", "via")
    search_fields = ("subject_ref", "=subject_user_id")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
