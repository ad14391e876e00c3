from django.apps import AppConfig


class JourneyConfig(AppConfig):
    name = "apps.journey"
    label = "journey"
    verbose_name = "Customer journey figures"

    def ready(self) -> None:
        # Product views (with a store's availability shown) and basket additions are counted
        # as they happen: in Redis, written by the storefront's batched view-count task.
        from oscar.apps.basket.signals import basket_addition
        from oscar.apps.catalogue.signals import product_viewed

        from . import receivers

        product_viewed.connect(receivers.product_viewed, dispatch_uid="journey-views")
        basket_addition.connect(receivers.added_to_basket, dispatch_uid="journey-basket")
