from django.contrib import admin

from .models import ConsentChange, Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "phone")
    search_fields = ("user__email", "user__last_name", "phone")
    raw_id_fields = ("user",)


@admin.register(ConsentChange)
class ConsentChangeAdmin(admin.ModelAdmin):
    """The consent history, read-only: a change is made by the customer, never here."""

    list_display = ("user", "channel", "granted", "source", "at")
    list_filter = ("channel", "source", "granted")
    search_fields = ("user__email",)
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
