from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig
from oscar.core.loading import get_class


class JourneyDashboardConfig(OscarDashboardConfig):
    """Merchandisers see the customer journey in numbers, per store and for the whole shop."""

    label = "journey_dashboard"
    name = "apps.dashboard.journey"
    verbose_name = _("Journey dashboard")
    default_permissions = ["is_staff"]

    def ready(self):
        self.figures_view = get_class("dashboard.journey.views", "JourneyView")
        self.csv_view = get_class("dashboard.journey.views", "JourneyCsvView")

    def get_urls(self):
        return self.post_process_urls(
            [
                path("", self.figures_view.as_view(), name="journey"),
                path("csv/<slug:figure>/", self.csv_view.as_view(), name="journey-csv"),
            ]
        )
