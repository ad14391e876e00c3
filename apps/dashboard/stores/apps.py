from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig
from oscar.core.loading import get_class


class StoresDashboardConfig(OscarDashboardConfig):
    """Merchandisers compare their stores: pickups, speed, collection, till and returns."""

    label = "stores_dashboard"
    name = "apps.dashboard.stores"
    verbose_name = _("Stores dashboard")
    default_permissions = ["is_staff"]

    def ready(self):
        self.overview_view = get_class("dashboard.stores.views", "StoresOverviewView")
        self.edit_view = get_class("dashboard.stores.views", "StoreEditView")

    def get_urls(self):
        return self.post_process_urls(
            [
                path("", self.overview_view.as_view(), name="stores-overview"),
                path("new/", self.edit_view.as_view(), name="store-create"),
                path("<slug:code>/edit/", self.edit_view.as_view(), name="store-edit"),
                path(
                    "csv/",
                    self.overview_view.as_view(),
                    {"as_csv": True},
                    name="stores-overview-csv",
                ),
            ]
        )
