"""The store console: a store's pickup queue, its orders, and the actions on them (thin views)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import LogoutView
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views import View
from django.views.generic import TemplateView

from apps.checkout import order_payment
from apps.order import pickup_codes, statuses
from apps.order.selectors import order_history
from apps.pickup import reasons, selectors, services, substitutions
from apps.stores.models import Store
from apps.stores.selectors import MANAGER_ROLES, staff_locations, staff_store

from . import labels
from .labels import MAX_BAGS


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
        return super().get_context_data(
            store=self.store,
            is_manager=self.is_manager,
            pulse_seconds=settings.CONSOLE_PULSE_SECONDS,
            **kwargs,
        )

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


class SignOutView(LogoutView):
    """Sign out of the console (a POST from every page's header), back to the sign-in page for
    the next person at the till."""

    def get_success_url(self):
        return f"{reverse('customer:login')}?next={reverse('console:home')}"


class PulseView(StoreConsoleMixin, View):
    """What every console page polls for its badge and chime: the orders waiting to be picked
    and the shoppers who say they are here (JSON, never cached)."""

    def get(self, request, code):
        response = JsonResponse(selectors.pulse(self.store))
        add_never_cache_headers(response)
        return response


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
        if order.is_pickup and substitutions.expire_due(order=order):  # read: settle lapsed
            order = self.get_order()
        offers = substitutions.offers(order) if order.is_pickup else []
        payment = order_payment.payment_state(order)
        lines = list(order.lines.all())
        bins = selectors.bins_at(self.store, [line.product_id for line in lines])
        for line in lines:
            line.bin = bins.get(line.product_id, "")
        return super().get_context_data(
            order=order,
            lines=lines,
            due=selectors.due_state(order),
            max_bags=MAX_BAGS,
            display_code=pickup_codes.display(order.pickup_code or ""),
            actions=order.staff_actions,
            to_pick={line.pk for line in selectors.unconfirmed_lines(order)},
            timeline=order_history(order),
            statuses=statuses,
            substitutions=offers,
            waiting_answer=any(offer.is_open for offer in offers),
            payment=payment,
            payment_summary=payment.summary(order),
            **kwargs,
        )


class PickListView(OrderView):
    """The picker's screen (and its printout): the lines left in the order of a walk round the
    shop by bin, each scanned item ticking its line."""

    template_name = "console/pick_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = context["order"]
        context["picks"] = selectors.pick_lines(
            order, self.store, scanned=scanned_units(self.request, order)
        )
        return context


def scanned_units(request, order) -> dict[int, int]:
    """Units scanned on this device per line of the order, not yet confirmed."""
    return {int(k): v for k, v in request.session.get(f"pick-scan-{order.pk}", {}).items()}


class PickScanView(StoreConsoleMixin, View):
    """A scanned item on the pick list: one unit of its line; when the line's units are all
    scanned, the line is confirmed picked. A product not on the order is refused aloud."""

    def post(self, request, code, number):
        order = self.get_order()
        scanned = request.POST.get("scan", "").strip()[:64]  # longer than any barcode
        try:
            text = self.scan(order, scanned)
        except services.PickupError as exc:
            messages.error(request, str(exc), extra_tags="scan")
        else:
            messages.success(request, text, extra_tags="scan")
        return redirect("console:pick-list", code=code, number=number)

    def scan(self, order, scanned: str) -> str:
        if not scanned:
            raise services.PickupError("Scan an item's barcode.")
        if "picked" not in order.staff_actions:
            raise services.PickupError(
                f"Order {order.number} is {order.status}: start picking first."
            )
        picks = selectors.pick_lines(order, self.store, scanned=scanned_units(self.request, order))
        matching = [p for p in picks if (p.line.upc or "").lower() == scanned.lower()]
        if not matching:
            raise services.PickupError(f"{scanned} is not on order {order.number}: put it back.")
        pick = next((p for p in matching if not p.confirmed), None)
        if pick is None:
            line = matching[0].line
            raise services.PickupError(
                f"All {line.num_allocated} × {line.title} are picked already."
            )
        key = f"pick-scan-{order.pk}"
        counts = self.request.session.get(key, {})
        done = pick.scanned + 1
        if done < pick.units:
            self.request.session[key] = {**counts, str(pick.line.pk): done}
            return f"{pick.line.title}: {done} of {pick.units} scanned."
        services.act("picked", order=order, by=self.request.user, line=pick.line)
        self.request.session[key] = {k: v for k, v in counts.items() if k != str(pick.line.pk)}
        return f"{pick.line.title}: all {pick.units} picked ✓"


class BagLabelsView(OrderView):
    """Printable bag labels: order, name, bag n of m, the order number as a barcode."""

    template_name = "console/bag_labels.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = context["order"]
        bags = labels.bag_count(self.request.GET.get("bags"))
        context.update(
            bags=[(n, bags) for n in range(1, bags + 1)],
            barcode=labels.barcode_svg(order.number),
        )
        return context


#: Actions staff confirm on a page of their own, choosing a reason (``apps.pickup.reasons``).
CONFIRMED = tuple(reasons.FOR_ACTION)


def _line_of(order, value):
    line = order.lines.filter(pk=posted_id(value)).first()
    if line is None:
        raise services.PickupError("Choose a line of this order.")
    return line


def action_params(action: str, order, post) -> dict:
    """The action's parameters from the console's form: its line, quantity, reason, code."""
    params = {}
    if action in ("picked", "short-pick"):
        params["line"] = _line_of(order, post.get("line"))
    if action == "short-pick":
        params["quantity"] = int(post.get("quantity") or 0)
    if action in CONFIRMED:
        if not post.get("reason"):
            raise services.PickupError("Choose a reason.")
        params.update(reason=post["reason"], note=post.get("note", ""))
    if action == "hand-over":
        params.update(
            code=post.get("code", ""),
            id_checked=post.get("id_checked") == "on",
            collected_by=post.get("collected_by", ""),
            paid_at_till=post.get("paid_at_till") == "on",
            till_reference=post.get("till_reference", "")[:64],
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


class OrderActionView(StoreConsoleMixin, TemplateView):
    """POST one action on one order; refusals come back as a message, nothing half-done.

    Cancel, short pick and not collected are asked twice: a GET shows what will happen with the
    reasons to choose from, and only its form (``confirmed``) does it."""

    template_name = "console/confirm.html"

    def get(self, request, code, number, action):
        if action not in CONFIRMED:
            return redirect("console:order", code=code, number=number)
        return self.confirm_page(self.get_order(), action, request.GET)

    def confirm_page(self, order, action, data, error: str = ""):
        line = None
        if action == "short-pick":
            try:
                line = _line_of(order, data.get("line"))
            except services.PickupError as exc:
                messages.error(self.request, str(exc))
                return redirect("console:order", code=self.store.code, number=order.number)
        context = self.get_context_data(
            order=order,
            action=action,
            line=line,
            reasons=reasons.choices(action),
            chosen=data.get("reason", ""),
            note=data.get("note", ""),
            quantity=data.get("quantity") or 1,
            refund=selectors.refund_due(order),
            error=error,
            candidates=substitutions.candidates(line=line, store=self.store) if line else [],
            chosen_substitute=data.get("substitute", ""),
            substitute_quantity=data.get("substitute_quantity") or "",
            substitution_hours=substitutions.hours(),
        )
        return self.render_to_response(context, status=400 if error else 200)

    def post(self, request, code, number, action):
        if action not in DONE:
            return redirect("console:order", code=code, number=number)
        order = self.get_order()
        if action in CONFIRMED and request.POST.get("confirmed") != "yes":
            return self.confirm_page(order, action, request.POST)
        try:
            params = action_params(action, order, request.POST)
            substitute = posted_id(request.POST.get("substitute")) if action == "short-pick" else 0
            if substitute:
                substitutions.short_pick_and_offer(
                    order=order,
                    by=request.user,
                    substitute=substitute,
                    substitute_quantity=int(
                        request.POST.get("substitute_quantity") or params["quantity"]
                    ),
                    **params,
                )
                order.refresh_from_db()
            else:
                order = services.act(action, order=order, by=request.user, **params)
        except (services.PickupError, ValueError) as exc:
            error = str(exc) or "That did not work: check the quantity."
            if action in CONFIRMED:
                return self.confirm_page(order, action, request.POST, error=error)
            messages.error(request, error)
            return redirect("console:order", code=code, number=number)
        if action == "short-pick" and substitute:
            messages.success(
                request,
                "Short pick recorded and the substitute offered: the customer has "
                f"{substitutions.hours()} h to answer by e-mail or text.",
            )
        else:
            messages.success(request, DONE[action])
        if action == "short-pick" and order.status == statuses.CANCELLED:
            messages.warning(request, "Nothing was left to pick, so the order is cancelled.")
        return redirect("console:order", code=code, number=number)


def posted_id(text) -> int:
    """A posted id as a number (0, which names nothing, for anything else)."""
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) <= 18 else 0
