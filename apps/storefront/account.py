"""The shopper's order pages, beside Oscar's: the account order page and the guest's tracking
page (Oscar's URLs, our views: ``config.urls`` mounts them first) with the collect panel, and
"I'm here", keeping it longer and cancelling from either."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from oscar.core.loading import get_class, get_model

from apps.order import pickup_codes
from apps.pickup import selectors, services, substitutions

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
OscarOrderDetailView = get_class("customer.views", "OrderDetailView")
OscarOrderHistoryView = get_class("customer.views", "OrderHistoryView")
OscarOrderLineView = get_class("customer.views", "OrderLineView")
OscarWishListCreateView = get_class("customer.wishlists.views", "WishListCreateView")


def directions_url(store) -> str:
    """Directions to the store on OpenStreetMap: a plain link, nothing loaded from elsewhere."""
    if store.latitude is not None and store.longitude is not None:
        return f"https://www.openstreetmap.org/directions?to={store.latitude}%2C{store.longitude}"
    return "https://www.openstreetmap.org/search?query=" + quote(", ".join(store.address_lines))


def collect_context(order, *, arrive_url: str, cancel_url: str, extend_url: str) -> dict:
    """What ``omnishop/collect_panel.html`` needs (an empty dict for an order not collected)."""
    if order.pickup_location_id is None:
        return {}
    if substitutions.expire_due(order=order):  # an offer past its time reads as expired
        order.refresh_from_db()
    panel = selectors.collect_panel(order)
    return {
        "substitution_offers": [
            (offer, substitutions.answer_url(offer)) for offer in substitutions.waiting(order)
        ],
        "panel": panel,
        "panel_qr": pickup_codes.qr_svg(order.pickup_code) if panel.pickup_code else "",
        "directions_url": directions_url(panel.store),
        "arrive_url": arrive_url,
        "cancel_url": cancel_url,
        "extend_url": extend_url,
    }


class OrderHistoryView(OscarOrderHistoryView):
    """Oscar's order history: every channel in one list (home delivery, click and collect, bought
    in a store), with the store each was collected from or bought in, read in the same query."""

    def get_queryset(self):
        return super().get_queryset().select_related("pickup_location", "till_sale__location")


class OrderView(OscarOrderDetailView):
    """Oscar's account order page with the collect panel (Oscar's re-order actions kept)."""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        number = self.object.number
        ctx.update(
            collect_context(
                self.object,
                arrive_url=reverse("pickup:arrived", args=[number]),
                cancel_url=reverse("pickup:cancel", args=[number]),
                extend_url=reverse("pickup:extend", args=[number]),
            )
        )
        return ctx


def guest_order(order_number: str, verification_hash: str):
    """The order a signed link opens (404 for a wrong hash or number: nothing to guess)."""
    order = Order.objects.select_related("pickup_location").filter(number=order_number).first()
    if order is None or not order.check_verification_hash(verification_hash):
        raise Http404("No such order.")
    return order


@method_decorator(never_cache, name="dispatch")
class GuestOrderView(TemplateView):
    """The order's tracking page by its signed link (Oscar's ``customer:anon-order``), as the
    e-mails and texts give it: the link is the key, so whoever collects can open it. An order
    of an account goes to the account's own page."""

    template_name = "oscar/customer/anon_order.html"

    def get(self, request, order_number, hash):
        order = guest_order(order_number, hash)
        if order.user_id is not None:
            page = reverse("customer:order", kwargs={"order_number": order.number})
            if request.user.is_authenticated and request.user.pk == order.user_id:
                return redirect(page)
            if not request.user.is_authenticated:
                return redirect_to_login(page)
            raise Http404("No such order.")
        ctx = self.get_context_data(order=order)
        ctx.update(
            collect_context(
                order,
                arrive_url=reverse("pickup:guest-arrived", args=[order.number, hash]),
                cancel_url=reverse("pickup:guest-cancel", args=[order.number, hash]),
                extend_url=reverse("pickup:guest-extend", args=[order.number, hash]),
            )
        )
        return self.render_to_response(ctx)


class ShopperActionView(View):
    """A POST from an order page: run the shopper's action, say how it went, go back."""

    success = ""

    def act(self, order, request, **verified):
        raise NotImplementedError

    def order_and_page(self, request, number, hash=None):
        if hash is None:
            if not request.user.is_authenticated:
                raise PermissionDenied
            order = get_object_or_404(Order, number=number, user=request.user)
            return order, reverse("customer:order", kwargs={"order_number": number}), {}
        order = guest_order(number, hash)
        if order.user_id is not None:
            raise Http404("No such order.")
        page = reverse("customer:anon-order", kwargs={"order_number": number, "hash": hash})
        return order, page, {"verification_hash": hash}

    def post(self, request, number, hash=None):
        order, page, verified = self.order_and_page(request, number, hash)
        try:
            self.act(order, request, **verified)
        except services.PickupError as exc:
            messages.error(request, str(exc))
        except PermissionDenied as exc:
            raise Http404("No such order.") from exc
        else:
            messages.success(request, self.success)
        return redirect(page)


class Arrive(ShopperActionView):
    success = "Thanks: the store knows you are here and is on its way."

    def act(self, order, request, **verified):
        note = request.POST.get("note", "")[: services.ARRIVAL_NOTE_MAX]
        services.announce_arrival(order=order, by=request.user, note=note, **verified)


class Cancel(ShopperActionView):
    success = "Your order is cancelled: its items are back on sale and we will refund you."

    def act(self, order, request, **verified):
        services.cancel_by_shopper(order=order, by=request.user, **verified)


class Extend(ShopperActionView):
    success = "Done: we will keep your order longer. Its new collect-by time is below."

    def act(self, order, request, **verified):
        services.extend_hold(order=order, by=request.user, **verified)


class ArrivedView(LoginRequiredMixin, Arrive):
    """ "I'm here" from the account's order page."""


class CancelView(LoginRequiredMixin, Cancel):
    """Cancel from the account's order page."""


class ExtendView(LoginRequiredMixin, Extend):
    """Keep it longer, from the account's order page."""


class GuestExtendView(Extend):
    """Keep it longer, from a guest's tracking page: the signed link is the key."""


class GuestArrivedView(Arrive):
    """ "I'm here" from a guest's tracking page: the signed link, not an account, is the key."""


class GuestCancelView(Cancel):
    """Cancel from a guest's tracking page: the signed link, not an account, is the key."""


def login_name(request, credentials=None) -> str:
    """The account a sign-in attempt is for, as django-axes counts failures: the e-mail as
    typed in any sign-in form, case and spaces ignored (so "Ann@x" and "ann@x " count as one)."""
    name = (credentials or {}).get("username") or ""
    if not name and request is not None:
        name = request.POST.get("login-username") or request.POST.get("username") or ""
    return name.strip().lower()


class OrderLineView(OscarOrderLineView):
    """Oscar's "buy this line again"; a line that is not on the order is 404 (Oscar fails)."""

    def get_object(self, queryset=None):
        order = get_object_or_404(Order, user=self.request.user, number=self.kwargs["order_number"])
        return get_object_or_404(order.lines, id=self.kwargs["line_id"])


class WishListCreateView(OscarWishListCreateView):
    """Oscar's new wish list with a product in it; a product that no longer exists is said so
    on the empty form (Oscar's redirect to it names a URL that doesn't exist)."""

    def dispatch(self, request, *args, **kwargs):
        if not Product.objects.filter(pk=kwargs["product_pk"]).exists():
            messages.error(request, "The requested product no longer exists.")
            return redirect("customer:wishlists-create")
        return super().dispatch(request, *args, **kwargs)
