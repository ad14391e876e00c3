"""Transfers of stock between locations in the dashboard."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.generic import FormView

from apps.inventory import services as stock
from apps.stores.selectors import warehouse

from .forms import TransferForm


class TransferView(FormView):
    """Move units between locations: two ledger rows sharing a transfer id, or nothing."""

    template_name = "oscar/dashboard/stock/transfer.html"
    form_class = TransferForm

    def get_initial(self):
        """Prefilled from the stock list's "Send some here" link (?destination=&upc=)."""
        online = warehouse()
        initial = {"source": online.code if online else None, "quantity": 1}
        for name in ("source", "destination", "upc"):
            if self.request.GET.get(name):
                initial[name] = self.request.GET[name]
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            stock.transfer(
                source=data["source"],
                destination=data["destination"],
                quantities={data["upc"].pk: data["quantity"]},
                by=self.request.user,
                note=data["note"] or "dashboard transfer",
            )
        except stock.StockError as exc:
            form.add_error(None, f"{exc} Nothing was moved.")
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(
            self.request,
            f"Moved {data['quantity']} x {data['upc'].get_title()} from {data['source'].name} "
            f"to {data['destination'].name}.",
        )
        return redirect(f"{reverse('dashboard:stock-list')}?q={data['upc'].upc}")


urlpatterns = [
    path("transfer/", TransferView.as_view(), name="stock-transfer"),
]
