from django.contrib import admin

from . import services
from .models import ClosedDay, Location, OpeningHours, StoreStaff


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class ClosedDayInline(admin.TabularInline):
    model = ClosedDay
    extra = 0


class StoreStaffInline(admin.TabularInline):
    model = StoreStaff
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "city",
        "click_and_collect",
        "lead_time_minutes",
        "holding_days",
        "safety_buffer",
        "is_active",
    ]
    list_filter = ["kind", "click_and_collect", "is_active", "timezone"]
    search_fields = ["code", "name", "city", "postcode"]
    inlines = [OpeningHoursInline, ClosedDayInline, StoreStaffInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "kind", "is_active"]}),
        (
            "Address",
            {
                "fields": [
                    "line1",
                    "line2",
                    "city",
                    "postcode",
                    "country",
                    "latitude",
                    "longitude",
                    "phone",
                    "email",
                    "timezone",
                ]
            },
        ),
        (
            "Click and collect",
            {"fields": ["click_and_collect", "lead_time_minutes", "holding_days", "safety_buffer"]},
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        """The code names the location's stock records and partner: fixed once it exists."""
        return ["code"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        fields = {
            name: value
            for name, value in form.cleaned_data.items()
            if name not in {"code", "name"} and name in {f.name for f in Location._meta.fields}
        }
        created = services.open_location(
            code=form.cleaned_data["code"], name=form.cleaned_data["name"], **fields
        )
        obj.pk, obj.partner_id = created.pk, created.partner_id
        obj._state.adding = False
