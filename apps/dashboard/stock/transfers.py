"""Transfers of stock between locations in the dashboard: plan one (or a file of them), ship
it, receive it (all or part), or cancel it before it ships; the list by state and location."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.generic import FormView, TemplateView

from apps.inventory import selectors
from apps.inventory import services as stock
from apps.inventory.imports import FeedRejected
from apps.inventory.models import Transfer
from apps.inventory.transfers import ReceiveForm, import_transfers
from apps.stores.selectors import warehouse

from .transfer_forms import (
    TransferFileForm,
    TransferFilterForm,
    TransferLineFormSet,
    TransferPlanForm,
)

#: How many (destination, product) rows the list's "in transit now" shows.
IN_TRANSIT_SHOWN = 50


class TransferListView(TemplateView):
    """Every transfer, newest first, filtered by state and location; units on the road."""

    template_name = "oscar/dashboard/stock/transfer_list.html"

    def get_context_data(self, **kwargs):
        form = TransferFilterForm(self.request.GET or None)
        data = form.cleaned_data if form.is_valid() else {}
        found = selectors.transfers(
            state=data.get("state", ""),
            location=data.get("location"),
            direction=data.get("direction", ""),
        )
        page = Paginator(found, 50).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        in_transit = selectors.in_transit_rows()[:IN_TRANSIT_SHOWN]
        return super().get_context_data(
            form=form,
            page_obj=page,
            transfers=page.object_list,
            query=query.urlencode(),
            in_transit=in_transit,
            **kwargs,
        )


class TransferCreateView(TemplateView):
    """Plan a transfer: from, to, a line per product; ship it now or later."""

    template_name = "oscar/dashboard/stock/transfer.html"

    def get(self, request, *args, **kwargs):
        online = warehouse()
        plan = TransferPlanForm(
            initial={
                "source": request.GET.get("source") or (online.code if online else None),
                "destination": request.GET.get("destination"),
            }
        )
        lines = TransferLineFormSet(
            prefix="lines", initial=[{"upc": request.GET.get("upc", ""), "quantity": 1}]
        )
        return self.render_to_response(self.get_context_data(form=plan, lines=lines))

    def post(self, request, *args, **kwargs):
        plan = TransferPlanForm(request.POST)
        lines = TransferLineFormSet(request.POST, prefix="lines")
        if not (plan.is_valid() and lines.is_valid()):
            return self.render_to_response(
                self.get_context_data(form=plan, lines=lines), status=400
            )
        data = plan.cleaned_data
        try:
            transfer = stock.create_transfer(
                source=data["source"],
                destination=data["destination"],
                quantities=lines.quantities(),
                by=request.user,
                note=data["note"],
                ship="ship" in request.POST,
            )
        except stock.StockError as exc:
            plan.add_error(None, f"{exc} Nothing was created or moved.")
            return self.render_to_response(
                self.get_context_data(form=plan, lines=lines), status=400
            )
        shipped = " and shipped" if "ship" in request.POST else ""
        messages.success(
            request,
            f"Transfer {transfer.number} created{shipped}: {transfer.units} units from "
            f"{transfer.source.name} to {transfer.destination.name}.",
        )
        return redirect("dashboard:stock-transfer-detail", pk=transfer.pk)


class TransferDetailView(TemplateView):
    """One transfer: its lines (shipped, received, missing), who did each step, its ledger."""

    template_name = "oscar/dashboard/stock/transfer_detail.html"

    def get_context_data(self, **kwargs):
        transfer = get_object_or_404(selectors.transfers(), pk=self.kwargs["pk"])
        kwargs.setdefault(
            "receive_form",
            ReceiveForm(transfer=transfer) if transfer.state == Transfer.State.SHIPPED else None,
        )
        return super().get_context_data(
            transfer=transfer, movements=selectors.transfer_ledger(transfer), **kwargs
        )


class TransferActionView(TransferDetailView):
    """Ship, receive or cancel: the service decides whether the step is allowed now."""

    http_method_names = ["post"]

    def post(self, request, pk, action):
        transfer = get_object_or_404(Transfer, pk=pk)
        try:
            if action == "ship":
                stock.ship_transfer(transfer=transfer, by=request.user)
                messages.success(request, f"Transfer {transfer.number} shipped.")
            elif action == "cancel":
                stock.cancel_transfer(transfer=transfer, by=request.user)
                messages.success(request, f"Transfer {transfer.number} cancelled.")
            else:
                form = ReceiveForm(request.POST, transfer=transfer)
                if not form.is_valid():
                    context = self.get_context_data(receive_form=form)
                    return self.render_to_response(context, status=400)
                received = stock.receive_transfer(
                    transfer=transfer, received=form.received(), by=request.user
                )
                short = received.units_short
                messages.success(
                    request,
                    f"Transfer {transfer.number} received"
                    + (f": {short} units missing." if short else " in full."),
                )
        except stock.StockError as exc:
            messages.error(request, f"{exc} Nothing was changed.")
            return self.render_to_response(self.get_context_data(), status=409)
        return redirect("dashboard:stock-transfer-detail", pk=pk)


class TransferFileView(FormView):
    """Upload a file of transfers: all created, or none (each bad cell listed)."""

    template_name = "oscar/dashboard/stock/transfer_upload.html"
    form_class = TransferFileForm

    def form_valid(self, form):
        filename, text = form.cleaned_data["file"]
        try:
            created = import_transfers(text=text, filename=filename, by=self.request.user)
        except FeedRejected as exc:
            form.add_error("file", "No transfer was created: fix the file and upload it again.")
            return self.render_to_response(
                self.get_context_data(form=form, row_errors=[e.as_json() for e in exc.errors]),
                status=400,
            )
        messages.success(
            self.request,
            f"Created {len(created)} transfer{'s' * (len(created) != 1)} from {filename}: "
            + ", ".join(t.number for t in created)
            + ". Ship them from here or from the stores' consoles.",
        )
        return redirect(reverse("dashboard:stock-transfer-list") + "?state=created")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


urlpatterns = [
    path("transfer/", TransferCreateView.as_view(), name="stock-transfer"),
    path("transfers/", TransferListView.as_view(), name="stock-transfer-list"),
    path("transfers/upload/", TransferFileView.as_view(), name="stock-transfer-upload"),
    path("transfers/<int:pk>/", TransferDetailView.as_view(), name="stock-transfer-detail"),
    *(
        path(
            f"transfers/<int:pk>/{action}/",
            TransferActionView.as_view(),
            {"action": action},
            name=f"stock-transfer-{action}",
        )
        for action in ("ship", "receive", "cancel")
    ),
]
