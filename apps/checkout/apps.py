import oscar.apps.checkout.apps as apps
from django.urls import path
from oscar.core.loading import get_class


class CheckoutConfig(apps.CheckoutConfig):
    name = "apps.checkout"

    def ready(self):
        super().ready()
        self.fulfilment_view = get_class("checkout.views", "FulfilmentView")

    def get_urls(self):
        urls = super().get_urls()
        return [path("fulfilment/", self.fulfilment_view.as_view(), name="fulfilment"), *urls]
