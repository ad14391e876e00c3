"""Forms of the dashboard's transfer pages: plan a transfer (a line per product), filter the
list, receive what arrived, upload a file of transfers."""

from django import forms
from oscar.core.loading import get_model

from apps.inventory.bounds import MAX_UNITS
from apps.inventory.models import Transfer
from apps.stores.models import Location

Product = get_model("catalogue", "Product")


def _locations():
    return Location.objects.filter(is_active=True).order_by("kind", "name")


class TransferPlanForm(forms.Form):
    source = forms.ModelChoiceField(queryset=_locations(), to_field_name="code", label="From")
    destination = forms.ModelChoiceField(queryset=_locations(), to_field_name="code", label="To")
    note = forms.CharField(required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = _locations()
        self.fields["destination"].queryset = _locations()

    def clean(self):
        data = super().clean()
        if data.get("source") and data.get("source") == data.get("destination"):
            raise forms.ValidationError("Choose two different locations.")
        return data


class TransferLineForm(forms.Form):
    upc = forms.CharField(label="Product UPC", max_length=64, required=False)
    quantity = forms.IntegerField(min_value=1, max_value=MAX_UNITS, required=False)

    def clean(self):
        data = super().clean()
        upc, quantity = (data.get("upc") or "").strip(), data.get("quantity")
        if not upc and quantity is None:
            return data  # a blank row
        if not upc:
            self.add_error("upc", "Give the product's UPC.")
        elif (product := Product.objects.filter(upc__iexact=upc).first()) is None:
            self.add_error("upc", "No product has this UPC.")
        else:
            data["product"] = product
        if quantity is None and "quantity" not in self.errors:
            self.add_error("quantity", "Give how many units to send.")
        return data


class BaseLineFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            product = form.cleaned_data.get("product")
            if product is None:
                continue
            if product.pk in seen:
                raise forms.ValidationError(f"{product.get_title()} is on two lines: use one.")
            seen.add(product.pk)
        if not seen:
            raise forms.ValidationError("Add at least one product.")

    def quantities(self) -> dict[int, int]:
        return {
            form.cleaned_data["product"].pk: form.cleaned_data["quantity"]
            for form in self.forms
            if form.cleaned_data.get("product")
        }


TransferLineFormSet = forms.formset_factory(
    TransferLineForm, formset=BaseLineFormSet, extra=5, max_num=50, validate_max=True
)


class TransferFilterForm(forms.Form):
    state = forms.ChoiceField(
        choices=[("", "Every state"), *Transfer.State.choices], required=False
    )
    location = forms.ModelChoiceField(
        queryset=Location.objects.order_by("kind", "name"),
        required=False,
        to_field_name="code",
        empty_label="Every location",
    )
    direction = forms.ChoiceField(
        choices=[("", "Sending or receiving"), ("out", "Sending"), ("in", "Receiving")],
        required=False,
    )


class TransferFileForm(forms.Form):
    file = forms.FileField(
        allow_empty_file=True,
        help_text="CSV with the header source,destination,sku,quantity (or upc instead of sku)",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            return upload.name, upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError("The file must be UTF-8 text (CSV).") from exc
