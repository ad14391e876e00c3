from django.contrib import messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, ListView
from oscar.core.loading import get_model

from apps.inventory import services as stock
from apps.inventory.exports import FORMATS, export_stock, template_sheet
from apps.inventory.imports import FeedRejected, import_stock, preview_feed
from apps.inventory.models import StockImport, StockMovement, Transfer
from apps.inventory.selectors import in_transit, stock_records
from apps.stores.models import Location

from .forms import (
    BinForm,
    ConfirmImportForm,
    CountForm,
    ExportForm,
    LedgerFilterForm,
    StockFilterForm,
    StockImportForm,
)

Product = get_model("catalogue", "Product")
#: How many rows a preview lists (its totals count them all).
PREVIEW_ROWS = 1000


#: Where the file a merchandiser previewed waits for their confirmation (their session).
PENDING = "stock_import_pending"


class StockImportView(FormView):
    """Upload a stock feed and see what each row would do; apply it only on confirm, from the
    very file previewed (its checksum). A bad file is refused whole and each bad cell listed by
    its line and column."""

    template_name = "oscar/dashboard/stock/import.html"
    form_class = StockImportForm

    def get_context_data(self, **kwargs):
        kwargs.setdefault("recent_imports", StockImport.objects.select_related("user")[:20])
        kwargs.setdefault("locations", Location.objects.order_by("kind", "name"))
        kwargs.setdefault("export_form", ExportForm())
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        if "checksum" in request.POST:
            return self.confirm(ConfirmImportForm(request.POST))
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        """The preview: nothing is written; the file waits in the session for the confirm."""
        filename, text = form.cleaned_data["file"]
        try:
            preview = preview_feed(text, filename)
        except FeedRejected as exc:
            return self.refused(form, exc.errors)
        skip = form.cleaned_data["skip_bad_rows"]
        if preview.errors and not skip:
            return self.refused(form, preview.errors)
        key = form.cleaned_data["idempotency_key"] or None
        self.request.session[PENDING] = {
            "checksum": preview.checksum,
            "filename": filename,
            "text": text,
            "skip_bad_rows": skip,
            "idempotency_key": key,
        }
        return self.render_to_response(
            self.get_context_data(
                form=form,
                preview=preview,
                preview_rows=preview.rows[:PREVIEW_ROWS],
                confirm_form=ConfirmImportForm(initial={"checksum": preview.checksum}),
                key_used=bool(key) and StockImport.objects.filter(idempotency_key=key).exists(),
            )
        )

    def refused(self, form, errors):
        form.add_error("file", "The file was not imported: nothing changed.")
        return self.render_to_response(
            self.get_context_data(form=form, row_errors=[e.as_json() for e in errors]),
            status=400,
        )

    def confirm(self, confirm_form):
        pending = self.request.session.get(PENDING) or {}
        if not confirm_form.is_valid() or pending.get("checksum") != confirm_form.cleaned_data.get(
            "checksum"
        ):
            messages.error(
                self.request,
                "That file is not the one previewed last (or its preview has expired): "
                "upload it again to preview it; nothing changed.",
            )
            return self.render_to_response(
                self.get_context_data(form=self.get_form_class()()), status=400
            )
        filename = pending["filename"]
        try:
            result = import_stock(
                text=pending["text"],
                filename=filename,
                skip_bad_rows=pending["skip_bad_rows"],
                idempotency_key=pending["idempotency_key"],
                by=self.request.user,
                previewed=pending["checksum"],
            )
        except FeedRejected as exc:  # stock moved since the preview (an order took units)
            del self.request.session[PENDING]
            return self.refused(self.get_form_class()(), exc.errors)
        del self.request.session[PENDING]
        if result.already_applied:
            messages.info(
                self.request, f"{filename} was already imported with this key: nothing changed."
            )
        else:
            messages.success(
                self.request,
                f"Imported {result.rows_applied} of {result.rows_total} rows from {filename}"
                + (f", {result.bins_changed} bin locations set" if result.bins_changed else "")
                + (f"; skipped {len(result.skipped)} (listed below)." if result.skipped else "."),
            )
        self.request.session["last_import_skipped"] = [e.as_json() for e in result.skipped[:200]]
        return redirect("dashboard:stock-import")

    def get(self, request, *args, **kwargs):
        skipped = request.session.pop("last_import_skipped", None)
        return self.render_to_response(self.get_context_data(skipped=skipped))


class ImportTemplateView(View):
    """A file to fill in: the import's header and an example row with a real code and SKU."""

    def get(self, request):
        location = Location.objects.filter(is_active=True).order_by("kind", "name").first()
        product = Product.objects.exclude(upc__isnull=True).exclude(upc="").order_by("pk").first()
        sheet = template_sheet(
            location.code if location else "leeds", product.upc if product else "SKU-123"
        )
        response = HttpResponse(sheet.export("csv"), content_type=FORMATS["csv"][0])
        response["Content-Disposition"] = 'attachment; filename="stock-import-template.csv"'
        return response


class StockExportView(View):
    """A location's stock as CSV or XLSX, in the shape the import reads."""

    def get(self, request):
        form = ExportForm(request.GET)
        if not form.is_valid():
            return HttpResponseBadRequest(
                "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()),
                content_type="text/plain; charset=utf-8",
            )
        location, fmt = form.cleaned_data["location"], form.cleaned_data["format"]
        content_type, extension = FORMATS[fmt]
        response = HttpResponse(export_stock(location, fmt), content_type=content_type)
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = (
            f'attachment; filename="stock-{location.code}-{stamp}.{extension}"'
        )
        return response


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
        context = super().get_context_data(form=self.form, query=query.urlencode(), **kwargs)
        page = context["records"]
        arriving = in_transit(
            products={r.product_id for r in page}, locations={r.partner.location for r in page}
        )
        for record in page:
            record.in_transit = arriving.get((record.product_id, record.partner.location.pk), 0)
        return context


class StockRecordView(FormView):
    """One product at one location: its figures, its whole ledger, a count, and its bin."""

    template_name = "oscar/dashboard/stock/record.html"
    form_class = CountForm

    def dispatch(self, request, *args, **kwargs):
        self.record = get_object_or_404(stock_records(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        movements = ledger_rows(self.record.movements.all())
        kwargs.setdefault("bin_form", BinForm(instance=self.record))
        location = self.record.partner.location
        arriving = in_transit(products=[self.record.product_id], locations=[location])
        return super().get_context_data(
            record=self.record,
            location=location,
            in_transit=arriving.get((self.record.product_id, location.pk), 0),
            movements=movements[:200],
            bin_changes=bin_history(self.record)[:5],
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if "bin_location" in request.POST:
            return self.set_bin(BinForm(request.POST, instance=self.record))
        return super().post(request, *args, **kwargs)

    def set_bin(self, form):
        """A bin edit is not a stock change: no ledger row, but who moved it is kept (the
        admin's history of the record)."""
        before = self.record.bin_location
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(bin_form=form), status=400)
        after = form.cleaned_data["bin_location"]
        if after != before:
            with transaction.atomic():
                form.save()
                LogEntry.objects.log_actions(
                    user_id=self.request.user.pk,
                    queryset=[self.record],
                    action_flag=CHANGE,
                    change_message=f"Bin location: {before or '(none)'} -> {after or '(none)'}",
                    single_object=True,
                )
        messages.success(self.request, f"Bin location set to {after or '(none)'}.")
        return redirect("dashboard:stock-record", pk=self.record.pk)

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


def ledger_rows(movements):
    """Ledger rows with what each links to: its order, import, count or transfer (the
    transfer's page, when the transfer has one)."""
    transfer = Transfer.objects.filter(reference=OuterRef("transfer_id")).values("pk")[:1]
    return movements.select_related(
        "user", "order", "stock_import", "stock_count", "product", "location"
    ).annotate(transfer_pk=Subquery(transfer))


def bin_history(record):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(record),
        object_id=str(record.pk),
        change_message__startswith="Bin location",
    ).select_related("user")


class LedgerView(ListView):
    """The ledger rows of one cause: an import, a count, a transfer or an order."""

    template_name = "oscar/dashboard/stock/ledger.html"
    context_object_name = "movements"
    paginate_by = 200

    def get(self, request, *args, **kwargs):
        self.form = LedgerFilterForm(request.GET)
        if not self.form.is_valid():
            return HttpResponseBadRequest(
                "; ".join(
                    f"{name}: {' '.join(errors)}" for name, errors in self.form.errors.items()
                ),
                content_type="text/plain; charset=utf-8",
            )
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return ledger_rows(StockMovement.objects.filter(**self.form.lookup()))

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            source=self.form.source(), query=query.urlencode(), **kwargs
        )
