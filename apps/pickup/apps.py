from django.apps import AppConfig


class PickupConfig(AppConfig):
    name = "apps.pickup"
    label = "pickup"
    verbose_name = "Store pickup"
