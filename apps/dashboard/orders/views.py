"""Oscar's order dashboard, refusing status changes for pickup orders and till sales: those
move only through the store console's services (handover checks the pickup code, stock goes
through the ledger), so no order is ever shown as collected before it was handed over.

Dispatching a delivery order captures its card payment (``order_payment.dispatch``), and
cancelling one voids it and puts its units back on sale (``cancel_delivery_order``): a payment
step that fails leaves the order as it was, with the reason shown.

The order list filters by channel, store and state together, and counts each choice under the
other filters; the order page shows the pickup timeline."""

from django.contrib import messages
from django.db.models import Count
from oscar.apps.dashboard.orders import views as oscar_views
from oscar.apps.dashboard.orders.views import *
from oscar.apps.payment.exceptions import PaymentError
from oscar.core.loading import get_model

from apps.checkout import order_payment
from apps.checkout.services import CheckoutRefused, cancel_delivery_order
from apps.order import statuses
from apps.routing import selectors as routing_selectors
from apps.stores.models import Location

from .channels import CHANNELS, channel_of, store_of
from .forms import OrderSearchForm

OrderNote = get_model("order", "OrderNote")

CONSOLE_ONLY = (
    "Order {number} is a pickup order or a till sale: its status changes in the store console, "
    "where handover checks the pickup code and stock moves through the ledger."
)


def dispatch(request, order) -> bool:
    """Dispatch a delivery order, capturing its payment; False (and why, as a message) if not."""
    old_status = order.status
    try:
        order_payment.dispatch(order=order, by=request.user)
    except PaymentError as exc:
        messages.error(request, f"Order {order.number} was not dispatched: {exc}")
        return False
    note = f"Order status changed from '{old_status}' to '{statuses.DISPATCHED}'; payment captured"
    order.notes.create(user=request.user, message=note, note_type=OrderNote.SYSTEM)
    messages.info(request, note)
    return True


def cancel(request, order) -> bool:
    """Cancel a delivery order: its card hold voided, its units back on sale; False (and why,
    as a message) if not."""
    try:
        cancel_delivery_order(order=order, by=request.user)
    except (PaymentError, CheckoutRefused) as exc:
        messages.error(request, f"Order {order.number} was not cancelled: {exc}")
        return False
    note = "Order cancelled; the card's hold released and the units back on sale"
    order.notes.create(user=request.user, message=note, note_type=OrderNote.SYSTEM)
    messages.info(request, note)
    return True


#: Status changes that move money and stock, not only the status.
STEPS = {statuses.DISPATCHED: dispatch, statuses.CANCELLED: cancel}


class OrderListView(oscar_views.OrderListView):
    form_class = OrderSearchForm

    def change_order_status(self, request, order):
        if order.is_moved_by_console:
            messages.error(request, CONSOLE_ONLY.format(number=order.number))
            return None
        step = STEPS.get(request.POST.get("new_status", "").strip())
        if step is not None:
            step(request, order)
            return None
        return super().change_order_status(request, order)

    def get_queryset(self):
        searched = super().get_queryset().annotate(channel_kind=channel_of(), store_id=store_of())
        data = self.form.cleaned_data if self.form.is_valid() else {}
        chosen = {
            "channel_kind": data.get("channel") or "",
            "store_id": data["store"].pk if data.get("store") else None,
            "status": getattr(self.form, "state", ""),
        }

        def narrowed(skip=None):
            filters = {k: v for k, v in chosen.items() if k != skip and v not in ("", None)}
            return searched.filter(**filters)

        self.facets = {
            name: dict(
                narrowed(skip=name)
                .order_by()
                .values_list(name)
                .annotate(n=Count("pk", distinct=True))
                .values_list(name, "n")
            )
            for name in chosen
        }
        self.chosen = chosen
        return narrowed()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["facets"] = self.facet_links()
        return context

    def get_search_filter_descriptions(self):
        descriptions = super().get_search_filter_descriptions()
        data = getattr(self.form, "cleaned_data", None) or {}
        if data.get("channel"):
            descriptions.append(f"Channel: {CHANNELS[data['channel']]}")
        if data.get("store"):
            descriptions.append(f"Store: {data['store'].name}")
        if getattr(self.form, "state", ""):
            descriptions.append(f"State: {self.form.state}")
        return descriptions

    def facet_links(self):
        """Each filter's choices with their counts under the other filters, as links that keep
        the rest of the search (a chosen one's link removes it)."""
        wanted = {k for k in self.facets["store_id"] if k} | {self.chosen["store_id"]} - {None}
        stores = Location.objects.filter(pk__in=wanted).order_by("name")
        states = set(self.facets["status"]) | {self.chosen["status"]} - {""}
        groups = [
            (
                "channel",
                "Channel",
                "channel_kind",
                [(k, k, label) for k, label in CHANNELS.items()],
            ),
            ("store", "Store", "store_id", [(s.pk, s.code, s.name) for s in stores]),
            ("status", "State", "status", [(s, s, s) for s in sorted(states)]),
        ]
        return [
            {
                "name": param,
                "title": title,
                "links": [
                    self.facet_link(
                        param, value == self.chosen[name], code, label, counts.get(value, 0)
                    )
                    for value, code, label in options
                ],
            }
            for param, title, name, options in groups
            for counts in [self.facets[name]]
        ]

    def facet_link(self, param, selected, code, label, count) -> dict:
        query = self.request.GET.copy()
        query.pop("page", None)
        if selected:
            query.pop(param, None)
        else:
            query[param] = code
        return {"label": label, "count": count, "query": query.urlencode(), "selected": selected}


class OrderDetailView(oscar_views.OrderDetailView):
    def change_order_status(self, request, order):
        if order.is_moved_by_console:
            return self.reload_page(error=CONSOLE_ONLY.format(number=order.number))
        step = STEPS.get(request.POST.get("new_status", "").strip())
        if step is not None:
            step(request, order)
            return self.reload_page()
        return super().change_order_status(request, order)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pickup_events"] = self.object.pickup_events.select_related("user", "line")
        context["routing_decisions"] = routing_selectors.decisions_of(self.object)
        return context
