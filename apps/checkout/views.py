"""The web checkout: Oscar's steps with a delivery-or-collect step, and the order placed by
``services.place_order`` like every other channel's."""

from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.views import generic
from oscar.apps.checkout import signals
from oscar.apps.checkout import views as oscar_views
from oscar.apps.checkout.exceptions import FailedPreCondition, PassedSkipCondition
from oscar.apps.payment.exceptions import PaymentError
from oscar.core.loading import get_model

from apps.inventory.services import InsufficientStock
from apps.order import pickup_codes
from apps.profiles import consent
from apps.profiles import services as profile_services
from apps.profiles.selectors import profile_phone
from apps.routing import selectors as routing
from apps.shipping.methods import StandardDelivery
from apps.stores.hours import ready_time
from apps.stores.models import Location
from apps.stores.my_store import my_store

from . import order_payment, services, slots
from .forms import FulfilmentForm
from .payment import gateway
from .session import CheckoutSessionMixin

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")


@dataclass
class ShipOffer:
    """My store lacks something: "Collect at Omnishop Leeds from Thursday", sent from ..."""

    store: Location
    ready_at: object
    sources: list


@dataclass
class ShortLine:
    """A basket line a store cannot fill: "Chef's Knife: 1 of 2"."""

    title: str
    has: int
    wanted: int


class FulfilmentChosenMixin:
    """Address and shipping-method steps come after the delivery-or-collect choice."""

    def check_fulfilment_is_chosen(self, request):
        if not self.checkout_session.is_fulfilment_chosen():
            raise FailedPreCondition(url=reverse("checkout:fulfilment"))

    def skip_if_collecting(self, request):
        if self.checkout_session.collect_location_id() is not None:
            raise PassedSkipCondition(url=reverse("checkout:payment-method"))


class IndexView(oscar_views.IndexView):
    success_url = reverse_lazy("checkout:fulfilment")


class FulfilmentView(CheckoutSessionMixin, generic.FormView):
    """Home delivery, or click and collect at a store that has the whole basket."""

    template_name = "oscar/checkout/fulfilment.html"
    form_class = FulfilmentForm
    pre_conditions = [
        "check_basket_is_not_empty",
        "check_basket_is_valid",
        "check_user_email_is_captured",
    ]

    def get_options(self):
        if not hasattr(self, "_options"):
            home = my_store(self.request)
            near = (home.latitude, home.longitude) if home and home.latitude is not None else None
            self._options = services.collect_options(self.request.basket, near=near)
            wanted = services.basket_quantities(self.request.basket)
            titles = {
                line.product_id: line.product.get_title()
                for line in self.request.basket.all_lines()
            }
            stocked = [o.store for o in self._options if o.has_everything]
            times = slots.pickup_slots_at(stocked)  # the stores that offer pickup times
            self._ship_to = self._ship_to_my_store(home, wanted, titles, stocked)
            for option in self._options:
                option.ready_at = ready_time(option.store) if option.has_everything else None
                option.pickup_times = times.get(option.store.pk)
                option.short_lines = [
                    ShortLine(titles[product_id], has, wanted[product_id])
                    for product_id, has in option.short
                ]
        return self._options

    def _ship_to_my_store(self, home, wanted, titles, stocked) -> dict:
        """My store lacks something: {its code: the routing policy's route sending it there}
        when the policy has one in a single part (three queries, whatever the basket)."""
        if home is None or not home.click_and_collect or home in stocked:
            return {}
        route = routing.route_to_store(home, wanted, titles=titles, holder=self.request.basket)
        if route is None or not route.placeable or not route.moves_stock:
            return {}
        return {home.code: route}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["ship_to"] = self.get_ship_to()
        kwargs["stores_with_everything"] = [o.store for o in self.get_options() if o.has_everything]
        kwargs["pickup_times"] = {
            o.store.code: o.pickup_times for o in self.get_options() if o.pickup_times is not None
        }
        if self.request.user.is_authenticated:
            answers = consent.current(self.request.user)
            kwargs["offer_consents"] = [code for code, given in answers.items() if not given]
        kwargs["initial"] = self.get_initial_choice()
        return kwargs

    def get_initial_choice(self) -> dict:
        """What was chosen before, else collect at my store when it has everything, else delivery."""
        stocked = {o.store.pk: o.store.code for o in self.get_options() if o.has_everything}
        chosen = self.checkout_session.collect_location_id()
        if not self.checkout_session.is_fulfilment_chosen():
            home = my_store(self.request)
            chosen = home.pk if home is not None else None
        collector = self.checkout_session.collector()
        user = self.request.user
        initial = {
            "name": collector["name"] or (user.get_full_name() if user.is_authenticated else ""),
            "phone": collector["phone"] or profile_phone(user),
        }
        if chosen in stocked:
            return {**initial, "method": FulfilmentForm.COLLECT, "store": stocked[chosen]}
        shipped = {r.parts[0].location.pk: code for code, r in self.get_ship_to().items()}
        if chosen in shipped and not stocked:
            return {**initial, "method": FulfilmentForm.COLLECT, "store": shipped[chosen]}
        return {**initial, "method": FulfilmentForm.DELIVERY}

    def get_ship_to(self) -> dict:
        self.get_options()
        return self._ship_to

    def get_context_data(self, **kwargs):
        options = self.get_options()
        ship_offers = [
            ShipOffer(
                store=route.parts[0].location,
                ready_at=route.ready_by,
                sources=[s.location for s in route.parts[0].transfers],
            )
            for route in self.get_ship_to().values()
        ]
        return super().get_context_data(
            options=options,
            stocked_options=[o for o in options if o.has_everything],
            short_options=[o for o in options if not o.has_everything],
            ship_offers=ship_offers,
            delivery_charge=StandardDelivery.charge_incl_tax,
            **kwargs,
        )

    def form_valid(self, form):
        session = self.checkout_session
        basket = self.request.basket
        if form.cleaned_data["method"] == FulfilmentForm.COLLECT:
            store = form.cleaned_data["store"]
            slot = form.cleaned_data["slot"]
            session.collect_at(
                store.pk,
                name=form.cleaned_data["name"].strip(),
                phone=form.cleaned_data["phone"],
                slot=slot.starts_at.isoformat() if slot else "",
            )
            session.ship_to_store(form.cleaned_data["route"] is not None)
            services.bind_basket(basket, store)
            if form.cleaned_data["keep_phone"] and self.request.user.is_authenticated:
                profile_services.keep_phone(
                    user=self.request.user, phone=form.cleaned_data["phone"]
                )
            next_url = reverse("checkout:payment-method")
        else:
            session.deliver()
            services.bind_basket(basket, services.delivery_location())
            next_url = reverse("checkout:shipping-address")
        for channel in form.consents_given() if self.request.user.is_authenticated else ():
            consent.record(user=self.request.user, channel=channel, granted=True, source="checkout")
        session.mark_fulfilment_chosen()
        return redirect(next_url)


class ShippingAddressView(FulfilmentChosenMixin, oscar_views.ShippingAddressView):
    pre_conditions = [*oscar_views.ShippingAddressView.pre_conditions, "check_fulfilment_is_chosen"]
    skip_conditions = ["skip_if_collecting", *oscar_views.ShippingAddressView.skip_conditions]


class ShippingMethodView(FulfilmentChosenMixin, oscar_views.ShippingMethodView):
    pre_conditions = [*oscar_views.ShippingMethodView.pre_conditions, "check_fulfilment_is_chosen"]
    skip_conditions = ["skip_if_collecting"]


class PaymentDetailsView(oscar_views.PaymentDetailsView):
    """Place the order through ``services.place_order`` (allocation, payment, order, in one
    transaction); this view only turns its refusals into messages."""

    def fulfilment_location(self) -> Location:
        return self.get_collect_location() or services.delivery_location()

    def handle_payment_details_submission(self, request):
        """The payment step's choice: by card (the payment method id Stripe Elements gave the
        page, where the gateway needs one) or, for a collect order, at the counter."""
        at_counter = request.POST.get("payment") == "counter"
        card = request.POST.get("payment_method", "").strip()[:255]
        if at_counter and self.get_collect_location() is None:
            error = "Only an order you collect can be paid at the counter."
            return self.render_payment_details(request, error=error)
        if not at_counter and gateway().needs_payment_method and not card:
            return self.render_payment_details(request, error="Enter your card details.")
        self.checkout_session.pay(at_counter=at_counter, card=card)
        return redirect("checkout:preview")

    def submit(
        self,
        user,
        basket,
        shipping_address,
        shipping_method,
        shipping_charge,
        billing_address,
        order_total,
        payment_kwargs=None,
        order_kwargs=None,
        surcharges=None,
    ):
        # A double-clicked "Place order": the second request waits here for the first.
        locked = Basket.objects.select_for_update().get(pk=basket.pk)
        if locked.status == Basket.SUBMITTED:
            order = Order.objects.filter(basket_id=basket.pk).first()
            if order is not None:
                self.request.session["checkout_order_id"] = order.pk
                return redirect("checkout:thank-you")
        location = self.fulfilment_location()
        # Lines added since the delivery-or-collect choice go to the same place (before freezing).
        services.bind_basket(basket, location)
        order_number = self.generate_order_number(basket)
        self.checkout_session.set_order_number(order_number)
        self.freeze_basket(basket)
        self.checkout_session.set_submitted_basket(basket)
        signals.pre_payment.send_robust(sender=self, view=self)
        store = self.get_collect_location()
        collector = self.checkout_session.collector()
        route = self.chosen_route(basket, store)
        if route is False:
            self.restore_frozen_basket()
            return self.render_payment_details(
                self.request,
                error=f"{store.name} can no longer be sent what it lacks: choose again.",
                **(payment_kwargs or {}),
            )
        try:
            order = services.place_order(
                basket=basket,
                user=user if user.is_authenticated else None,
                channel=Order.Channel.WEB,
                location=location,
                shipping_method=shipping_method,
                order_number=order_number,
                shipping_address=shipping_address,
                billing_address=billing_address,
                pickup=services.Pickup(
                    store,
                    collector["name"],
                    collector["phone"],
                    slot=self.checkout_session.pickup_slot(),
                )
                if store is not None
                else None,
                guest_email=(order_kwargs or {}).get("guest_email", ""),
                surcharges=surcharges,
                route=route,
                payment_method=self.checkout_session.card(),
                pay_at_counter=store is not None and self.checkout_session.pays_at_counter(),
            )
        except InsufficientStock as exc:
            self.restore_frozen_basket()
            messages.error(self.request, f"{exc} No order was placed and nothing was charged.")
            return redirect("basket:summary")
        except (PaymentError, services.CheckoutRefused) as exc:
            self.restore_frozen_basket()
            return self.render_payment_details(
                self.request, error=str(exc), **(payment_kwargs or {})
            )
        signals.post_payment.send_robust(sender=self, view=self)
        return self.handle_successful_order(order)

    def chosen_route(self, basket, store):
        """The routing policy's route for this order: shipped to the store when the shopper
        chose that (False: no longer to be had), else its shelf's or the warehouse's when the
        policy agrees with the shopper's choice (None: the choice stands, recorded as such)."""
        if store is not None and self.checkout_session.ships_to_store():
            route = self.get_ship_to_store_route(store)
            return route if route is not None else False
        quantities = services.basket_quantities(basket)
        if store is not None:
            route = routing.route_to_store(store, quantities, holder=basket)
        else:
            route = routing.route_for_delivery(quantities, holder=basket)
        chosen = store or services.delivery_location()
        if route is None or not route.placeable or route.moves_stock:
            return None
        return route if route.parts[0].location.pk == chosen.pk else None

    def send_order_placed_email(self, order):
        """Nothing here: ``services.place_order`` sends the confirmation once the order commits."""


class ThankYouView(oscar_views.ThankYouView):
    def get_context_data(self, *args, **kwargs):
        ctx = super().get_context_data(*args, **kwargs)
        order = ctx["order"]
        ctx["collect_location"] = order.pickup_location
        ctx["payment_note"] = order_payment.for_shopper(order)
        if order.pickup_code:
            ctx["pickup_code"] = pickup_codes.display(order.pickup_code)
            ctx["pickup_qr"] = pickup_codes.qr_svg(order.pickup_code)
        return ctx
