from django.conf import settings
from django.urls import reverse
from oscar.apps.checkout import exceptions, session

from apps.inventory.selectors import basket_quantities
from apps.routing.selectors import route_to_store
from apps.stores.hours import ready_time
from apps.stores.models import Store

from .payment import gateway


class CheckoutSessionMixin(session.CheckoutSessionMixin):
    """Oscar asks for an address whenever products need shipping; collect in store needs none."""

    def get_collect_location(self):
        location_id = self.checkout_session.collect_location_id()
        if location_id is None:
            return None
        return Store.objects.filter(pk=location_id, is_active=True, click_and_collect=True).first()

    def get_ship_to_store_route(self, store):
        """The routing policy's route to collect the basket at ``store`` (read once a request);
        None when it can no longer be had, or only in several parts."""
        if not hasattr(self, "_ship_route"):
            basket = self.request.basket
            titles = {line.product_id: line.product.get_title() for line in basket.all_lines()}
            route = route_to_store(store, basket_quantities(basket), titles=titles, holder=basket)
            self._ship_route = route if route is not None and route.placeable else None
        return self._ship_route

    def check_shipping_data_is_captured(self, request):
        if not self.checkout_session.is_fulfilment_chosen():
            raise exceptions.FailedPreCondition(url=reverse("checkout:fulfilment"))
        if self.checkout_session.collect_location_id() is None:
            return super().check_shipping_data_is_captured(request)
        if self.get_collect_location() is None:
            raise exceptions.FailedPreCondition(
                url=reverse("checkout:fulfilment"),
                message="That store no longer offers click and collect. Please choose another.",
            )
        self.check_a_valid_shipping_method_is_captured()

    def get_shipping_address(self, basket):
        if self.checkout_session.collect_location_id() is not None:
            return None
        return super().get_shipping_address(basket)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        store = ctx["collect_location"] = self.get_collect_location()
        if store is not None and self.checkout_session.ships_to_store():
            route = self.get_ship_to_store_route(store)
            ctx["ready_at"] = route.ready_by if route else None
            ctx["ships_from"] = (
                [source.location for source in route.parts[0].transfers] if route else []
            )
            ctx["collector"] = self.checkout_session.collector()
        elif store is not None:
            ctx["ready_at"] = self.checkout_session.pickup_slot() or ready_time(store)
            ctx["collector"] = self.checkout_session.collector()
        provider = gateway()
        ctx["payment_gateway_name"] = provider.name
        ctx["pays_at_counter"] = store is not None and self.checkout_session.pays_at_counter()
        ctx["needs_card"] = provider.needs_payment_method
        ctx["stripe_publishable_key"] = settings.STRIPE_PUBLISHABLE_KEY
        return ctx
