"""The console's stock page: staff look up what their store holds; managers record counts
(through the ledger)."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView
from oscar.core.loading import get_model

from apps.instore import services as instore
from apps.inventory import services as stock
from apps.inventory.selectors import in_transit, stock_records
from apps.inventory.services import MAX_UNITS

from .views import StoreConsoleMixin

Product = get_model("catalogue", "Product")


class CountForm(forms.Form):
    product = forms.IntegerField(widget=forms.HiddenInput)
    counted = forms.IntegerField(min_value=0, max_value=MAX_UNITS, label="Counted on the shelf")
    note = forms.CharField(required=False, max_length=200)


class StockView(StoreConsoleMixin, TemplateView):
    template_name = "console/stock.html"

    def get_context_data(self, **kwargs):
        query = self.search_query()
        records = []
        if query:
            records = list(stock_records(location=self.store, text=query)[:30])
            arriving = in_transit(products=[r.product_id for r in records], locations=[self.store])
            for record in records:
                record.in_transit = arriving.get((record.product_id, self.store.pk), 0)
        return super().get_context_data(query=query, records=records, **kwargs)

    def post(self, request, *args, **kwargs):
        form = CountForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Enter the number counted (zero or more).")
            return redirect(request.get_full_path())
        product = get_object_or_404(Product, pk=form.cleaned_data["product"])
        try:
            instore.count_shelf(
                location=self.store,
                product_id=product.pk,
                counted=form.cleaned_data["counted"],
                by=request.user,
                note=form.cleaned_data["note"] or "console count",
            )
        except stock.StockError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"{product.get_title()}: on hand set to {form.cleaned_data['counted']}."
            )
        return redirect(f"{request.path}?q={product.upc}")
