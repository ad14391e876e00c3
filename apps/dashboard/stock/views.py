from django.contrib import messages
from django.shortcuts import redirect
from django.views.generic import FormView

from apps.inventory.imports import FeedRejected, import_stock
from apps.inventory.models import StockImport

from .forms import StockImportForm


class StockImportView(FormView):
    """Upload a stock feed; a bad file is refused whole and its bad rows listed."""

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
                self.get_context_data(form=form, row_errors=exc.errors), status=400
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
        self.request.session["last_import_skipped"] = [str(e) for e in result.skipped][:200]
        return redirect("dashboard:stock-import")

    def get(self, request, *args, **kwargs):
        skipped = request.session.pop("last_import_skipped", None)
        return self.render_to_response(self.get_context_data(skipped=skipped))
