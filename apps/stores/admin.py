from django.contrib import admin

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
        (None, {"fields": ["partner", "code", "name", "kind", "is_active"]}),
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
