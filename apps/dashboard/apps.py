from django.apps import apps
from django.urls import include, path
from oscar.apps.dashboard import apps as oscar_apps


class DashboardConfig(oscar_apps.DashboardConfig):
    name = "apps.dashboard"

    def ready(self):
        super().ready()
        self.stock_app = apps.get_app_config("stock_dashboard")
        self.stores_app = apps.get_app_config("stores_dashboard")
        self.journey_app = apps.get_app_config("journey_dashboard")
        self.dead_letters_app = apps.get_app_config("ops_dashboard")  # failed tasks

    def get_urls(self):
        return super().get_urls() + self.post_process_urls(
            [
                path("stock/", include(self.stock_app.urls[0])),
                path("stores/", include(self.stores_app.urls[0])),
                path("journey/", include(self.journey_app.urls[0])),
                path("failed-tasks/", include(self.dead_letters_app.urls[0])),
            ]
        )
