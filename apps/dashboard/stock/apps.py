from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig
from oscar.core.loading import get_class


class StockDashboardConfig(OscarDashboardConfig):
    """Merchandisers' stock pages: every location's stock, a record's ledger and counts,
    transfers between locations, and imports."""

    label = "stock_dashboard"
    name = "apps.dashboard.stock"
    verbose_name = _("Stock dashboard")
    default_permissions = ["is_staff"]

    def ready(self):
        self.import_view = get_class("dashboard.stock.views", "StockImportView")
        self.list_view = get_class("dashboard.stock.views", "StockListView")
        self.record_view = get_class("dashboard.stock.views", "StockRecordView")
        self.ledger_view = get_class("dashboard.stock.views", "LedgerView")
        self.export_view = get_class("dashboard.stock.views", "StockExportView")
        self.template_view = get_class("dashboard.stock.views", "ImportTemplateView")

    def get_urls(self):
        from . import transfers  # its own pages and URLs

        return self.post_process_urls(
            [
                path("", self.list_view.as_view(), name="stock-list"),
                path("<int:pk>/", self.record_view.as_view(), name="stock-record"),
                *transfers.urlpatterns,
                path("import/", self.import_view.as_view(), name="stock-import"),
                path(
                    "import/template.csv",
                    self.template_view.as_view(),
                    name="stock-import-template",
                ),
                path("export/", self.export_view.as_view(), name="stock-export"),
                path("ledger/", self.ledger_view.as_view(), name="stock-ledger"),
            ]
        )
