from django import forms
from oscar.core.loading import get_model

from apps.inventory.imports import UNPRINTABLE, FeedRejected, read_upload
from apps.inventory.models import StockCount, StockImport, Transfer
from apps.inventory.services import MAX_UNITS
from apps.stores.models import Location

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
Order = get_model("order", "Order")


class StockImportForm(forms.Form):
    file = forms.FileField(
        # An empty file is refused by the import itself, with the header it needs.
        allow_empty_file=True,
        help_text="CSV, XLSX or JSON lines with the header location,sku,on_hand or "
        "location,sku,delta, and optionally bin_location",
    )
    skip_bad_rows = forms.BooleanField(
        required=False, help_text="Import the good rows and list the bad ones"
    )
    idempotency_key = forms.CharField(
        required=False,
        max_length=128,
        help_text="Uploading again with the same key changes nothing",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            return upload.name, read_upload(upload.read(), upload.name)
        except FeedRejected as exc:
            reason = exc.errors[0].reason
            raise forms.ValidationError(f"{reason[0].upper()}{reason[1:]}.") from exc


class ConfirmImportForm(forms.Form):
    """Apply the file that was previewed: named by its checksum."""

    checksum = forms.RegexField(regex=r"^[0-9a-f]{64}\Z", widget=forms.HiddenInput)


class ExportForm(forms.Form):
    location = forms.ModelChoiceField(
        queryset=Location.objects.order_by("kind", "name"), to_field_name="code"
    )
    format = forms.ChoiceField(choices=[("csv", "CSV"), ("xlsx", "Excel (XLSX)")], initial="csv")


class BinForm(forms.ModelForm):
    """Where the product sits at this location; not stock, so no ledger row."""

    class Meta:
        model = StockRecord
        fields = ["bin_location"]

    def clean_bin_location(self):
        value = self.cleaned_data["bin_location"].strip()
        if UNPRINTABLE.search(value):
            raise forms.ValidationError("A bin location is printable text.")
        return value


class StockFilterForm(forms.Form):
    location = forms.ModelChoiceField(
        queryset=Location.objects.order_by("kind", "name"),
        required=False,
        to_field_name="code",
        empty_label="Every location",
    )
    q = forms.CharField(required=False, max_length=200, label="Product", help_text="Title or UPC")
    sold_out = forms.BooleanField(required=False, label="Only what cannot be sold")


class LedgerFilterForm(forms.Form):
    """One cause of ledger rows: exactly one of an import, a count, a transfer or an order."""

    stock_import = forms.ModelChoiceField(queryset=StockImport.objects.all(), required=False)
    stock_count = forms.ModelChoiceField(queryset=StockCount.objects.all(), required=False)
    transfer = forms.UUIDField(required=False)
    order = forms.ModelChoiceField(
        queryset=Order.objects.all(), to_field_name="number", required=False
    )

    def clean(self):
        data = super().clean()
        given = [name for name in self.fields if data.get(name)]
        if len(given) != 1:
            raise forms.ValidationError(
                "Name one cause: stock_import, stock_count, transfer (its id) or order (number)."
            )
        self.cause = given[0]
        return data

    def lookup(self) -> dict:
        name = "transfer_id" if self.cause == "transfer" else self.cause
        return {name: self.cleaned_data[self.cause]}

    def source(self):
        """(what, the row): an import, a count, a transfer (None if it has no row) or an order."""
        value = self.cleaned_data[self.cause]
        if self.cause == "transfer":
            return self.cause, Transfer.objects.filter(reference=value).first() or value
        return self.cause, value


class CountForm(forms.Form):
    counted = forms.IntegerField(min_value=0, max_value=MAX_UNITS, label="Counted on hand")
    note = forms.CharField(required=False, max_length=200)
