"""The stores overview: every store's figures side by side for a span of days (or as CSV)."""

import csv

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.views.generic import TemplateView

from apps.pickup import reports
from apps.stores.models import Store

COLUMNS = ["store", "median_minutes_to_ready", "median_hours_to_collect", *reports.COLUMNS[1:]]


class StoresOverviewView(TemplateView):
    template_name = "oscar/dashboard/stores/overview.html"

    def get(self, request, *args, **kwargs):
        form = reports.ReportForm(request.GET or None, today=timezone.localdate())
        if form.is_bound and not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        start, end = form.span()
        stores = list(Store.objects.filter(is_active=True).order_by("name"))
        rows = reports.stores_summary(stores, start=start, end=end)
        if kwargs.get("as_csv"):
            return self.csv(rows, start, end)
        return self.render_to_response(
            self.get_context_data(
                form=form,
                rows=rows,
                start=start.isoformat(),
                end=end.isoformat(),
                currency=settings.OSCAR_DEFAULT_CURRENCY,
            )
        )

    def csv(self, rows, start, end):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="omnishop-stores-{start}-{end}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow(COLUMNS)
        for row in rows:
            figures = row.total
            writer.writerow(
                [
                    row.store.code,
                    row.median_minutes_to_ready,
                    row.median_hours_to_collect,
                    *(getattr(figures, name) for name in reports.COLUMNS[1:]),
                ]
            )
        return response
