from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig
from oscar.core.loading import get_class


class StockDashboardConfig(OscarDashboardConfig):
    """Merchandisers' stock pages: imports (and, later, per-store stock and counts)."""

    label = "stock_dashboard"
    name = "apps.dashboard.stock"
    verbose_name = _("Stock dashboard")
    default_permissions = ["is_staff"]

    def ready(self):
        self.import_view = get_class("dashboard.stock.views", "StockImportView")

    def get_urls(self):
        return self.post_process_urls(
            [path("import/", self.import_view.as_view(), name="stock-import")]
        )
