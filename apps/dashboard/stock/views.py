from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView, ListView

from apps.inventory import services as stock
from apps.inventory.imports import FeedRejected, import_stock
from apps.inventory.models import StockImport
from apps.inventory.selectors import stock_records

from .forms import CountForm, StockFilterForm, StockImportForm


class StockImportView(FormView):
    """Upload a stock feed; a bad file is refused whole and each bad cell listed by its line
    and column."""

    template_name = "oscar/dashboard/stock/import.html"
    form_class = StockImportForm

    def get_context_data(self, **kwargs):
        kwargs.setdefault("recent_imports", StockImport.objects.select_related("user")[:20])
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        filename, text = form.cleaned_data["file"]
        try:
            result = import_stock(
                text=text,
                filename=filename,
                skip_bad_rows=form.cleaned_data["skip_bad_rows"],
                idempotency_key=form.cleaned_data["idempotency_key"] or None,
                by=self.request.user,
            )
        except FeedRejected as exc:
            form.add_error("file", "The file was not imported: nothing changed.")
            return self.render_to_response(
                self.get_context_data(form=form, row_errors=[e.as_json() for e in exc.errors]),
                status=400,
            )
        if result.already_applied:
            messages.info(
                self.request, f"{filename} was already imported with this key: nothing changed."
            )
        else:
            messages.success(
                self.request,
                f"Imported {result.rows_applied} of {result.rows_total} rows from {filename}"
                + (f"; skipped {len(result.skipped)} (listed below)." if result.skipped else "."),
            )
        self.request.session["last_import_skipped"] = [e.as_json() for e in result.skipped[:200]]
        return redirect("dashboard:stock-import")

    def get(self, request, *args, **kwargs):
        skipped = request.session.pop("last_import_skipped", None)
        return self.render_to_response(self.get_context_data(skipped=skipped))


class StockListView(ListView):
    """Every location's stock records: on hand, promised to orders, available to sell."""

    template_name = "oscar/dashboard/stock/list.html"
    context_object_name = "records"
    paginate_by = 50

    def get_queryset(self):
        self.form = StockFilterForm(self.request.GET or None)
        if not self.form.is_valid():
            return stock_records()
        data = self.form.cleaned_data
        records = stock_records(location=data["location"], text=data["q"])
        return records.filter(ats=0) if data["sold_out"] else records

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(form=self.form, query=query.urlencode(), **kwargs)


class StockRecordView(FormView):
    """One product at one location: its figures, its whole ledger, and a count."""

    template_name = "oscar/dashboard/stock/record.html"
    form_class = CountForm

    def dispatch(self, request, *args, **kwargs):
        self.record = get_object_or_404(stock_records(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        movements = self.record.movements.select_related("user", "order", "stock_import")
        return super().get_context_data(
            record=self.record,
            location=self.record.partner.location,
            movements=movements[:200],
            **kwargs,
        )

    def form_valid(self, form):
        try:
            stock.count(
                location=self.record.partner.location,
                counts={self.record.product_id: form.cleaned_data["counted"]},
                by=self.request.user,
                note=form.cleaned_data["note"] or "dashboard count",
            )
        except stock.StockError as exc:
            form.add_error("counted", str(exc))
            return self.form_invalid(form)
        messages.success(self.request, f"On hand set to {form.cleaned_data['counted']}.")
        return redirect("dashboard:stock-record", pk=self.record.pk)
