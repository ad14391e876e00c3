"""Transfers between stores in the console: what this store sends (ship it) and what it
receives (count what arrived, line by line; fewer than shipped records the rest as missing)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.views.generic import TemplateView

from apps.inventory import selectors
from apps.inventory import services as stock
from apps.inventory.models import Transfer
from apps.inventory.transfers import ReceiveForm

from .views import StoreConsoleMixin

State = Transfer.State
#: How many finished transfers (received or cancelled) the page lists.
RECENT = 20


class TransfersView(StoreConsoleMixin, TemplateView):
    """The store's outgoing transfers to ship, incoming ones on the road, and recent ones."""

    template_name = "console/transfers.html"

    def get_context_data(self, **kwargs):
        mine = list(
            selectors.transfers(location=self.store).exclude(
                state__in=[State.RECEIVED, State.CANCELLED]
            )
        )
        done = selectors.transfers(location=self.store).filter(
            state__in=[State.RECEIVED, State.CANCELLED]
        )[:RECENT]
        return super().get_context_data(
            to_ship=[t for t in mine if t.source_id == self.store.pk and t.state == State.CREATED],
            on_the_way_out=[
                t for t in mine if t.source_id == self.store.pk and t.state == State.SHIPPED
            ],
            to_receive=[
                t for t in mine if t.destination_id == self.store.pk and t.state == State.SHIPPED
            ],
            coming=[
                t for t in mine if t.destination_id == self.store.pk and t.state == State.CREATED
            ],
            done=done,
            **kwargs,
        )


class ShipView(StoreConsoleMixin, TemplateView):
    """Ship one of this store's outgoing transfers: its units leave the shelves now."""

    http_method_names = ["post"]

    def post(self, request, code, pk):
        transfer = _transfer(self.store, pk, outgoing=True)
        try:
            stock.ship_transfer(transfer=transfer, by=request.user)
        except stock.StockError as exc:
            messages.error(request, f"{exc} Nothing was shipped.")
        else:
            messages.success(
                request,
                f"Transfer {transfer.number} shipped to {transfer.destination.name}: "
                f"{transfer.units} units off the shelves.",
            )
        return redirect("console:transfers", code=self.store.code)


class ReceiveView(StoreConsoleMixin, TemplateView):
    """Count what arrived of an incoming transfer, line by line (a scanned barcode adds one)."""

    template_name = "console/transfer_receive.html"

    def get_context_data(self, **kwargs):
        transfer = kwargs.pop("transfer", None) or _transfer(self.store, self.kwargs["pk"])
        kwargs.setdefault(
            "form", ReceiveForm(transfer=transfer) if transfer.state == State.SHIPPED else None
        )
        return super().get_context_data(transfer=transfer, **kwargs)

    def post(self, request, code, pk):
        transfer = _transfer(self.store, pk)
        form = ReceiveForm(request.POST, transfer=transfer)
        if not form.is_valid():
            context = self.get_context_data(transfer=transfer, form=form)
            return self.render_to_response(context, status=400)
        try:
            received = stock.receive_transfer(
                transfer=transfer, received=form.received(), by=request.user
            )
        except stock.StockError as exc:
            messages.error(request, f"{exc} Nothing was received.")
            return redirect("console:transfers", code=self.store.code)
        short = received.units_short
        messages.success(
            request,
            f"Transfer {received.number} received"
            + (f": {short} unit{'s' * (short != 1)} missing, recorded." if short else " in full."),
        )
        return redirect("console:transfers", code=self.store.code)


def _transfer(store, pk, *, outgoing=False) -> Transfer:
    """This store's transfer (it sends it, or receives it); another store's is not found."""
    found = selectors.transfers().filter(pk=pk)
    found = found.filter(source=store) if outgoing else found.filter(destination=store)
    transfer = found.first()
    if transfer is None:
        raise Http404("No such transfer at this store.")
    return transfer


urlpatterns = [
    path("<slug:code>/transfers/", TransfersView.as_view(), name="transfers"),
    path("<slug:code>/transfers/<int:pk>/ship/", ShipView.as_view(), name="transfer-ship"),
    path("<slug:code>/transfers/<int:pk>/receive/", ReceiveView.as_view(), name="transfer-receive"),
]
