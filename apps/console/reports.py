"""Store managers' reports in the console: a span of days on screen, or as a CSV file."""

import csv

from django.conf import settings
from django.http import HttpResponse
from django.urls import path
from django.views.generic import TemplateView

from apps.reports import selectors as reports

from .views import StoreManagerMixin


class ReportView(StoreManagerMixin, TemplateView):
    template_name = "console/reports.html"

    def get_form(self):
        return reports.ReportForm(self.request.GET or None, today=reports.local_today(self.store))

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_bound and not form.is_valid():
            typed = {"start": request.GET.get("start", ""), "end": request.GET.get("end", "")}
            return self.render_to_response(self.get_context_data(form=form, **typed), status=400)
        start, end = form.span()
        report = reports.store_report(self.store, start=start, end=end)
        if kwargs.get("as_csv"):
            return self.csv(report)
        return self.render_to_response(
            self.get_context_data(
                form=form,
                report=report,
                chart={**report.chart_data(), "currency": settings.OSCAR_DEFAULT_CURRENCY},
                start=start.isoformat(),
                end=end.isoformat(),
                currency=settings.OSCAR_DEFAULT_CURRENCY,
            )
        )

    def csv(self, report):
        name = f"omnishop-{self.store.code}-{report.start}-{report.end}.csv"
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        writer = csv.writer(response)
        writer.writerow(reports.COLUMNS)
        writer.writerows(report.rows())
        return response


urlpatterns = [
    path("<slug:code>/reports/", ReportView.as_view(), name="reports"),
    path("<slug:code>/reports/csv/", ReportView.as_view(), {"as_csv": True}, name="reports-csv"),
]
