"""Merchandisers' stores pages: every store's figures side by side (or as CSV), and opening or
changing a store with its hours and closed days."""

import csv

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import TemplateView

from apps.reports import selectors as reports
from apps.stores.models import Store
from apps.stores.services import CodeTaken, open_location

from .forms import ClosedDayFormSet, HoursFormSet, StaffFormSet, StoreForm, WindowFormSet

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


class StoreEditView(TemplateView):
    """Open a store or change one: address, pickup settings, opening hours, closed days, staff."""

    template_name = "oscar/dashboard/stores/store_form.html"

    def get_store(self):
        code = self.kwargs.get("code")
        return get_object_or_404(Store, code=code) if code else Store(kind=Store.Kind.STORE)

    def forms(self, store, data=None):
        initial_hours = (
            []
            if store.pk
            else [{"weekday": day, "opens": "09:00", "closes": "17:30"} for day in range(7)]
        )
        hours = HoursFormSet(data, instance=store, prefix="hours", initial=initial_hours)
        hours.extra = 7 - (store.opening_hours.count() if store.pk else 0)  # room for every day
        return (
            StoreForm(data, instance=store),
            hours,
            WindowFormSet(data, instance=store, prefix="windows"),
            ClosedDayFormSet(data, instance=store, prefix="closed"),
            StaffFormSet(data, instance=store, prefix="staff"),
        )

    @staticmethod
    def context(store, form, hours, windows, closed, staff) -> dict:
        return {
            "store": store,
            "form": form,
            "hours": hours,
            "windows": windows,
            "closed": closed,
            "staff": staff,
        }

    def get(self, request, *args, **kwargs):
        store = self.get_store()
        return self.render_to_response(
            self.get_context_data(**self.context(store, *self.forms(store)))
        )

    def post(self, request, *args, **kwargs):
        store = self.get_store()
        form, *formsets = self.forms(store, request.POST)
        if all([form.is_valid(), *(f.is_valid() for f in formsets)]):
            try:
                with transaction.atomic():
                    store = self.save(store, form, *formsets)
            except CodeTaken as exc:
                form.add_error("code", str(exc))
            else:
                messages.success(request, f"{store.name} saved.")
                return redirect("dashboard:store-edit", code=store.code)
        context = self.get_context_data(**self.context(store, form, *formsets))
        return self.render_to_response(context, status=400)

    def save(self, store, form, *formsets):
        if store.pk:
            store = form.save()
        else:
            fields = {k: v for k, v in form.cleaned_data.items() if k not in {"code", "name"}}
            store = open_location(
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                kind=Store.Kind.STORE,
                **fields,
            )
        for formset in formsets:
            formset.instance = store
            formset.save()
        return store
