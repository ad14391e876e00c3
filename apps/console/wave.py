"""Wave picking in the console: one pick list for all the store's orders waiting to be picked."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.generic import TemplateView
from oscar.core.loading import get_model

from apps.order import statuses
from apps.pickup import selectors, services

from .views import StoreConsoleMixin

Order = get_model("order", "Order")


class PickWaveView(StoreConsoleMixin, TemplateView):
    """GET: what all waiting orders need, by product. POST: start picking them all."""

    template_name = "console/pick_wave.html"

    def get_context_data(self, **kwargs):
        status = statuses.PICKING if self.request.GET.get("started") else statuses.PLACED
        orders, lines = selectors.pick_wave(self.store, status=status)
        return super().get_context_data(
            orders=orders, lines=lines, started=status == statuses.PICKING, **kwargs
        )

    def post(self, request, *args, **kwargs):
        numbers = request.POST.getlist("order")
        orders = Order.objects.filter(pickup_location=self.store, number__in=numbers)
        started, skipped = services.start_picking_wave(orders=orders, by=request.user)
        messages.success(request, f"Picking started for {len(started)} orders.")
        if skipped:
            messages.warning(
                request, f"Already moved by a colleague, left out: {', '.join(sorted(skipped))}."
            )
        return redirect(f"{request.path}?started=1")
