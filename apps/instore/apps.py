from django.apps import AppConfig


class InstoreConfig(AppConfig):
    name = "apps.instore"
    label = "instore"
    verbose_name = "In-store sales and returns"
