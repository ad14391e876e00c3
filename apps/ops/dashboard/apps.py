from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class OpsDashboardConfig(OscarDashboardConfig):
    """Staff see the tasks that failed for good, send one again or dismiss it."""

    label = "ops_dashboard"
    name = "apps.ops.dashboard"
    verbose_name = _("Operations dashboard")
    default_permissions = ["is_staff"]

    def ready(self):
        from . import views

        self.list_view = views.DeadLetterListView
        self.detail_view = views.DeadLetterDetailView
        self.retry_view = views.RetryDeadLetterView
        self.dismiss_view = views.DismissDeadLetterView

    def get_urls(self):
        return self.post_process_urls(
            [
                path("", self.list_view.as_view(), name="dead-letter-list"),
                path("<int:pk>/", self.detail_view.as_view(), name="dead-letter-detail"),
                path("<int:pk>/retry/", self.retry_view.as_view(), name="dead-letter-retry"),
                path("<int:pk>/dismiss/", self.dismiss_view.as_view(), name="dead-letter-dismiss"),
            ]
        )
