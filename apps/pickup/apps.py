from django.apps import AppConfig


class PickupConfig(AppConfig):
    name = "apps.pickup"
    label = "pickup"
    verbose_name = "Store pickup"

    def ready(self):
        from apps.routing.signals import units_lost

        from . import services

        units_lost.connect(services.units_lost_on_the_way, dispatch_uid="pickup-units-lost")
