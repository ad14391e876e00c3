from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "apps.routing"
    label = "routing"
    verbose_name = "Order routing"

    def ready(self):
        from apps.inventory.signals import transfer_received

        from . import services

        transfer_received.connect(
            services.on_transfer_received, dispatch_uid="routing-transfer-received"
        )
