from django.contrib import admin

from .models import DeadLetter, Heartbeat


@admin.register(DeadLetter)
class DeadLetterAdmin(admin.ModelAdmin):
    """Read-only here: send again or dismiss from the dashboard's Failed tasks."""

    list_display = ["task_name", "failed_at", "attempts", "exception", "resolved_at"]
    list_filter = ["task_name"]
    search_fields = ["task_name", "task_id", "exception"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["worker", "beat_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
