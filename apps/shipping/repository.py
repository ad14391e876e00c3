from oscar.apps.shipping import repository
from oscar.core.loading import get_class

from apps.inventory.selectors import availability, basket_quantities
from apps.stores.my_store import my_store

from .methods import CollectInStore, StandardDelivery

CheckoutSessionData = get_class("checkout.utils", "CheckoutSessionData")


def collects_at_my_store(request, basket) -> bool:
    """Before checkout asks: the shopper's store takes click and collect and has the whole
    basket (what is held for it counted as its own), so the basket is priced as collected there
    (free), not delivered."""
    store = my_store(request)
    if store is None or not store.click_and_collect or basket.is_empty:
        return False
    quantities = basket_quantities(basket)
    units = availability(products=list(quantities), locations=[store], holder=basket)
    return units.has_everything(store, quantities)


class Repository(repository.Repository):
    """Collect in store when the shopper chose a store at checkout, delivery otherwise."""

    methods = (StandardDelivery(),)

    def get_available_shipping_methods(self, basket, shipping_addr=None, **kwargs):
        request = kwargs.get("request")
        if request is not None and CheckoutSessionData(request).collect_location_id():
            return [CollectInStore()]
        return [StandardDelivery()]

    def get_default_shipping_method(self, basket, shipping_addr=None, **kwargs):
        """What the basket page prices: as chosen at checkout; before the choice, collect (free)
        when the shopper's store has everything, else delivery."""
        request = kwargs.get("request")
        if (
            request is not None
            and not CheckoutSessionData(request).is_fulfilment_chosen()
            and collects_at_my_store(request, basket)
        ):
            return CollectInStore()
        return super().get_default_shipping_method(basket, shipping_addr, **kwargs)
