from django import forms
from oscar.core.loading import get_model

from apps.inventory.services import MAX_UNITS
from apps.stores.models import Location

Product = get_model("catalogue", "Product")


class StockImportForm(forms.Form):
    file = forms.FileField(
        # An empty file is refused by the import itself, with the header it needs.
        allow_empty_file=True,
        help_text="CSV or JSON lines with the header location,sku,on_hand or location,sku,delta",
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
            return upload.name, upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError("The file must be UTF-8 text (CSV or JSON lines).") from exc


class StockFilterForm(forms.Form):
    location = forms.ModelChoiceField(
        queryset=Location.objects.order_by("kind", "name"),
        required=False,
        to_field_name="code",
        empty_label="Every location",
    )
    q = forms.CharField(required=False, max_length=200, label="Product", help_text="Title or UPC")
    sold_out = forms.BooleanField(required=False, label="Only what cannot be sold")


class CountForm(forms.Form):
    counted = forms.IntegerField(min_value=0, max_value=MAX_UNITS, label="Counted on hand")
    note = forms.CharField(required=False, max_length=200)


class TransferForm(forms.Form):
    source = forms.ModelChoiceField(
        queryset=Location.objects.filter(is_active=True), to_field_name="code", label="From"
    )
    destination = forms.ModelChoiceField(
        queryset=Location.objects.filter(is_active=True), to_field_name="code", label="To"
    )
    upc = forms.CharField(label="Product UPC", max_length=64)
    quantity = forms.IntegerField(min_value=1, max_value=MAX_UNITS)
    note = forms.CharField(required=False, max_length=200)

    def clean_upc(self):
        product = Product.objects.filter(upc__iexact=self.cleaned_data["upc"].strip()).first()
        if product is None:
            raise forms.ValidationError("No product has this UPC.")
        return product

    def clean(self):
        data = super().clean()
        if data.get("source") and data.get("source") == data.get("destination"):
            raise forms.ValidationError("Choose two different locations.")
        return data
