from oscar.apps.shipping import repository
from oscar.core.loading import get_class

from .methods import CollectInStore, StandardDelivery

CheckoutSessionData = get_class("checkout.utils", "CheckoutSessionData")


class Repository(repository.Repository):
    """Collect in store when the shopper chose a store at checkout, delivery otherwise."""

    methods = (StandardDelivery(),)

    def get_available_shipping_methods(self, basket, shipping_addr=None, **kwargs):
        request = kwargs.get("request")
        if request is not None and CheckoutSessionData(request).collect_location_id():
            return [CollectInStore()]
        return [StandardDelivery()]
