from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    label = "notifications"
    verbose_name = "Shopper notifications"

    def ready(self):
        from . import tasks  # noqa: F401  (connects the receivers that queue the messages)
