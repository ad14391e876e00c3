from django import forms

from apps.profiles import phones
from apps.stores.models import Store


class FulfilmentForm(forms.Form):
    DELIVERY, COLLECT = "delivery", "collect"
    method = forms.ChoiceField(
        choices=[(DELIVERY, "Home delivery"), (COLLECT, "Click and collect")],
        widget=forms.RadioSelect,
    )
    store = forms.ModelChoiceField(
        queryset=Store.objects.none(),
        required=False,
        to_field_name="code",
        error_messages={
            "invalid_choice": "That store does not have everything in your basket right now."
        },
    )

    name = forms.CharField(required=False, max_length=128, label="Name of who will collect")
    phone = forms.CharField(
        required=False,
        max_length=32,
        label="Mobile phone (optional: we text you when the order is ready)",
    )

    def __init__(self, *args, stores_with_everything=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = Store.objects.filter(
            pk__in=[s.pk for s in stores_with_everything], is_active=True, click_and_collect=True
        )

    def clean_phone(self):
        typed = self.cleaned_data["phone"].strip()
        phone = phones.normalise(typed)
        if typed and not phone:
            raise forms.ValidationError("Enter a phone number we can text, like 07911 123456.")
        return phone

    def clean(self):
        data = super().clean()
        if data.get("method") == self.COLLECT:
            if not data.get("name", "").strip():
                self.add_error(
                    "name", "Tell us who will collect the order: we check it at the counter."
                )
            if not data.get("store") and "store" not in self.errors:
                raise forms.ValidationError(
                    "Choose a store that has everything in your basket, or choose home delivery."
                )
        return data
