"""The store console: a store's pickup queue, its orders, and the actions on them (thin views)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import TemplateView

from apps.order import pickup_codes, statuses
from apps.order.selectors import order_history
from apps.pickup import selectors, services
from apps.stores.models import Store
from apps.stores.selectors import MANAGER_ROLES, staff_locations, staff_store


class ConsoleHomeView(LoginRequiredMixin, View):
    """Staff land on their store's queue; staff of several stores (and merchandisers) pick one."""

    def get(self, request):
        stores = list(staff_locations(request.user).filter(kind=Store.Kind.STORE).order_by("name"))
        if not stores:
            raise PermissionDenied("You are not on the staff of any store.")
        if len(stores) == 1:
            return redirect("console:queue", code=stores[0].code)
        return render(request, "console/choose_store.html", {"stores": stores})


#: The longest search the console takes (as the shop's search box and the API's ``q``).
MAX_SEARCH = 200


class StoreConsoleMixin(LoginRequiredMixin):
    """Loads the store from the URL and refuses staff of other stores (403)."""

    managers_only = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.store, self.role = staff_store(
            request.user, kwargs["code"], managers_only=self.managers_only
        )
        return super().dispatch(request, *args, **kwargs)

    def get_order(self):
        return selectors.order_at_store(self.store, self.kwargs["number"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(store=self.store, is_manager=self.is_manager, **kwargs)

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGER_ROLES

    def search_query(self) -> str:
        """The search box's text; longer than any title, code or e-mail it could match, it is
        refused with a message (SQLite fails on a LIKE pattern of 50,000 bytes)."""
        query = self.request.GET.get("q", "").strip()
        if len(query) > MAX_SEARCH:
            messages.error(self.request, f"Search for at most {MAX_SEARCH} characters.")
            return ""
        return query


class StoreManagerMixin(StoreConsoleMixin):
    """Pages for the store's managers (and merchandisers): stock counts and reports."""

    managers_only = True


class QueueView(StoreConsoleMixin, TemplateView):
    template_name = "console/queue.html"

    def get(self, request, *args, **kwargs):
        query = self.search_query()
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
            actions=order.staff_actions,
            to_pick={line.pk for line in selectors.unconfirmed_lines(order)},
            timeline=order_history(order),
            statuses=statuses,
            **kwargs,
        )


class PickListView(OrderView):
    template_name = "console/pick_list.html"


def action_params(action: str, order, post) -> dict:
    """The action's parameters from the console's form: its line, quantity, reason, code."""
    params = {}
    if action in ("picked", "short-pick"):
        params["line"] = order.lines.filter(pk=post.get("line") or 0).first()
        if params["line"] is None:
            raise services.PickupError("Choose a line of this order.")
    if action == "short-pick":
        params["quantity"] = int(post.get("quantity") or 0)
    if action in ("short-pick", "cancel"):
        params["reason"] = post.get("reason", "")
    if action == "hand-over":
        params.update(
            code=post.get("code", ""),
            id_checked=post.get("id_checked") == "on",
            collected_by=post.get("collected_by", ""),
        )
    return params


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
        if action not in DONE:
            return redirect("console:order", code=code, number=number)
        order = self.get_order()
        try:
            params = action_params(action, order, request.POST)
            order = services.act(action, order=order, by=request.user, **params)
        except (services.PickupError, ValueError) as exc:
            messages.error(request, str(exc) or "That did not work: check the quantity.")
            return redirect("console:order", code=code, number=number)
        messages.success(request, DONE[action])
        if action == "short-pick" and order.status == statuses.CANCELLED:
            messages.warning(request, "Nothing was left to pick, so the order is cancelled.")
        return redirect("console:order", code=code, number=number)
