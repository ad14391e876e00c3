from django.apps import AppConfig


class InstoreConfig(AppConfig):
    name = "apps.instore"
    label = "instore"
    verbose_name = "In-store sales and returns"

    def ready(self):
        from . import tasks  # noqa: F401  (connects the receiver that queues till receipts)
