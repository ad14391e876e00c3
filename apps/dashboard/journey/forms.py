from django import forms

from apps.reports.selectors import ReportForm
from apps.stores.models import Store


class JourneyForm(ReportForm):
    """A span of days (the store reports' rules) and one store, or every store."""

    store = forms.ModelChoiceField(
        queryset=Store.objects.filter(is_active=True).order_by("name"),
        required=False,
        to_field_name="code",
        empty_label="Every store",
        label="Store",
    )

    def chosen_store(self):
        return self.cleaned_data.get("store") if self.is_bound else None
