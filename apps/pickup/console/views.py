"""The store console: a store's pickup queue, its orders, and the actions on them (thin views)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import TemplateView

from apps.order import pickup_codes, statuses
from apps.pickup import selectors, services
from apps.stores.models import Store
from apps.stores.selectors import staff_locations


class ConsoleHomeView(LoginRequiredMixin, View):
    """Staff land on their store's queue; staff of several stores (and merchandisers) pick one."""

    def get(self, request):
        stores = list(staff_locations(request.user).filter(kind=Store.Kind.STORE).order_by("name"))
        if not stores:
            raise PermissionDenied("You are not on the staff of any store.")
        if len(stores) == 1:
            return redirect("console:queue", code=stores[0].code)
        return render(request, "console/choose_store.html", {"stores": stores})


class StoreConsoleMixin(LoginRequiredMixin):
    """Loads the store from the URL and refuses staff of other stores (403)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.store = get_object_or_404(Store.objects.filter(is_active=True), code=kwargs["code"])
        self.check_access(request.user)
        return super().dispatch(request, *args, **kwargs)

    def check_access(self, user):
        self.role = services.role_at(user, self.store)
        if self.role is None:
            raise PermissionDenied("This is another store's console.")

    def get_order(self):
        order = selectors.order_at_store(self.store, self.kwargs["number"])
        if order is None:
            raise Http404("No such order at this store.")
        return order

    def get_context_data(self, **kwargs):
        return super().get_context_data(store=self.store, is_manager=self.is_manager, **kwargs)

    @property
    def is_manager(self) -> bool:
        return self.role in services.MANAGER_ROLES


class StoreManagerMixin(StoreConsoleMixin):
    """Pages for the store's managers (and merchandisers): stock counts and reports."""

    def check_access(self, user):
        super().check_access(user)
        if not self.is_manager:
            raise PermissionDenied("Only the store's managers can open this page.")


class QueueView(StoreConsoleMixin, TemplateView):
    template_name = "console/queue.html"

    def get(self, request, *args, **kwargs):
        query = request.GET.get("q", "").strip()
        if query:
            found = list(selectors.find_orders(self.store, query)[:50])
            if len(found) == 1:
                return redirect("console:order", code=self.store.code, number=found[0].number)
            return self.render_to_response(self.get_context_data(query=query, found=found))
        if request.GET.get("partial"):
            self.template_name = "console/_queue.html"
        return self.render_to_response(self.get_context_data(queue=selectors.queue(self.store)))


class OrderView(StoreConsoleMixin, TemplateView):
    template_name = "console/order.html"

    def get_context_data(self, **kwargs):
        order = self.get_order()
        return super().get_context_data(
            order=order,
            display_code=pickup_codes.display(order.pickup_code or ""),
            is_open=order.status in selectors.OPEN,
            to_pick={line.pk for line in services.unconfirmed_lines(order)},
            timeline=selectors.order_timeline(order),
            statuses=statuses,
            **kwargs,
        )


class PickListView(OrderView):
    template_name = "console/pick_list.html"


ACTIONS = {
    "start-picking": lambda order, by, post: services.start_picking(order=order, by=by),
    "ready": lambda order, by, post: services.mark_ready(order=order, by=by),
    "picked": lambda order, by, post: services.confirm_line(
        order=order, line=order.lines.get(pk=post.get("line")), by=by
    ),
    "short-pick": lambda order, by, post: services.short_pick(
        order=order,
        line=order.lines.get(pk=post.get("line")),
        quantity=int(post.get("quantity") or 0),
        by=by,
        reason=post.get("reason", ""),
    ),
    "hand-over": lambda order, by, post: services.hand_over(
        order=order,
        by=by,
        code=post.get("code", ""),
        id_checked=post.get("id_checked") == "on",
        collected_by=post.get("collected_by", ""),
    ),
    "resend-ready": lambda order, by, post: services.resend_ready(order=order, by=by),
    "not-collected": lambda order, by, post: services.mark_not_collected(order=order, by=by),
    "cancel": lambda order, by, post: services.cancel(
        order=order, by=by, reason=post.get("reason", "")
    ),
}

DONE = {
    "start-picking": "Picking started: print the pick list.",
    "ready": "Ready for collection: the customer will be told.",
    "picked": "Line picked.",
    "short-pick": "Short pick recorded; the units are back on sale and the refund noted.",
    "hand-over": "Handed over. Order collected.",
    "resend-ready": "The ready message is on its way to the customer again.",
    "not-collected": "Marked not collected; the stock is back on sale.",
    "cancel": "Order cancelled; the stock is back on sale.",
}


class OrderActionView(StoreConsoleMixin, View):
    """POST one action on one order; refusals come back as a message, nothing half-done."""

    def post(self, request, code, number, action):
        if action not in ACTIONS:
            return redirect("console:order", code=code, number=number)
        order = self.get_order()
        try:
            order = ACTIONS[action](order, request.user, request.POST)
        except (services.PickupError, ValueError) as exc:
            messages.error(request, str(exc) or "That did not work: check the quantity.")
            return redirect("console:order", code=code, number=number)
        messages.success(request, DONE[action])
        if action == "short-pick" and order.status == statuses.CANCELLED:
            messages.warning(request, "Nothing was left to pick, so the order is cancelled.")
        return redirect("console:order", code=code, number=number)
