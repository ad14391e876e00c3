"""Checkout with a delivery-or-collect step, and stock allocated before payment is taken."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.views import generic
from oscar.apps.checkout import views as oscar_views
from oscar.apps.checkout.exceptions import FailedPreCondition, PassedSkipCondition
from oscar.apps.payment.exceptions import RedirectRequired
from oscar.core.loading import get_model

from apps.inventory.services import InsufficientStock
from apps.order import pickup_codes
from apps.profiles.selectors import profile_phone
from apps.stores.hours import ready_time
from apps.stores.models import Location
from apps.stores.my_store import my_store

from . import services
from .forms import FulfilmentForm
from .payment import gateway
from .session import CheckoutSessionMixin

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
SourceType = get_model("payment", "SourceType")
Source = get_model("payment", "Source")


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
            for option in self._options:
                option.ready_at = ready_time(option.store) if option.has_everything else None
        return self._options

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["stores_with_everything"] = [o.store for o in self.get_options() if o.has_everything]
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
        return {**initial, "method": FulfilmentForm.DELIVERY}

    def get_context_data(self, **kwargs):
        return super().get_context_data(options=self.get_options(), **kwargs)

    def form_valid(self, form):
        session = self.checkout_session
        basket = self.request.basket
        if form.cleaned_data["method"] == FulfilmentForm.COLLECT:
            store = form.cleaned_data["store"]
            session.collect_at(
                store.pk,
                name=form.cleaned_data["name"].strip(),
                phone=form.cleaned_data["phone"],
            )
            services.bind_basket(basket, store)
            next_url = reverse("checkout:payment-method")
        else:
            session.deliver()
            services.bind_basket(basket, services.warehouse())
            next_url = reverse("checkout:shipping-address")
        session.mark_fulfilment_chosen()
        return redirect(next_url)


class ShippingAddressView(FulfilmentChosenMixin, oscar_views.ShippingAddressView):
    pre_conditions = [*oscar_views.ShippingAddressView.pre_conditions, "check_fulfilment_is_chosen"]
    skip_conditions = ["skip_if_collecting", *oscar_views.ShippingAddressView.skip_conditions]


class ShippingMethodView(FulfilmentChosenMixin, oscar_views.ShippingMethodView):
    pre_conditions = [*oscar_views.ShippingMethodView.pre_conditions, "check_fulfilment_is_chosen"]
    skip_conditions = ["skip_if_collecting"]


class PaymentDetailsView(oscar_views.PaymentDetailsView):
    """Allocate the basket at its location before any payment is taken; release it on failure."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(payment_gateway_name=gateway().name, **kwargs)

    def fulfilment_location(self) -> Location:
        return self.get_collect_location() or services.warehouse()

    def submit(self, user, basket, *args, **kwargs):
        # A double-clicked "Place order": the second request waits here for the first.
        locked = Basket.objects.select_for_update().get(pk=basket.pk)
        if locked.status == Basket.SUBMITTED:
            order = Order.objects.filter(basket_id=basket.pk).first()
            if order is not None:
                self.request.session["checkout_order_id"] = order.pk
                return redirect("checkout:thank-you")
        # Lines added since the delivery-or-collect choice go to the same place (before freezing).
        services.bind_basket(basket, self.fulfilment_location())
        return super().submit(user, basket, *args, **kwargs)

    def handle_payment(self, order_number, total, **kwargs):
        basket, location = self.request.basket, self.fulfilment_location()
        try:
            with transaction.atomic():
                services.allocate_basket(basket=basket, location=location, reference=order_number)
        except InsufficientStock as exc:
            self.restore_frozen_basket()
            messages.error(self.request, f"{exc} No order was placed and nothing was charged.")
            raise RedirectRequired(reverse("basket:summary")) from exc
        provider = gateway()
        try:
            reference = provider.charge(
                order_number=order_number, amount=total.incl_tax, currency=total.currency
            )
        except Exception:
            services.release_basket(basket=basket, location=location, reference=order_number)
            raise
        source_type, _ = SourceType.objects.get_or_create(name=provider.name)
        self.add_payment_source(
            Source(
                source_type=source_type,
                currency=total.currency,
                amount_allocated=total.incl_tax,
                amount_debited=total.incl_tax,
                reference=reference,
            )
        )
        self.add_payment_event("Settled", total.incl_tax, reference=reference)

    def handle_order_placement(self, order_number, user, basket, *args, **kwargs):
        kwargs["channel"] = Order.Channel.WEB
        store = self.get_collect_location()
        if store is not None:
            collector = self.checkout_session.collector()
            kwargs.update(
                pickup_location=store,
                pickup_code=services.new_pickup_code(),
                ready_by=ready_time(store),
                pickup_name=collector["name"],
                pickup_phone=collector["phone"],
            )
        return super().handle_order_placement(order_number, user, basket, *args, **kwargs)


class ThankYouView(oscar_views.ThankYouView):
    def get_context_data(self, *args, **kwargs):
        ctx = super().get_context_data(*args, **kwargs)
        order = ctx["order"]
        ctx["collect_location"] = order.pickup_location
        if order.pickup_code:
            ctx["pickup_code"] = pickup_codes.display(order.pickup_code)
            ctx["pickup_qr"] = pickup_codes.qr_svg(order.pickup_code)
        return ctx
