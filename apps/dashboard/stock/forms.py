from django import forms


class StockImportForm(forms.Form):
    file = forms.FileField(
        help_text="CSV or JSON lines with the header location,sku,on_hand or location,sku,delta"
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
