from django import forms

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

    def __init__(self, *args, stores_with_everything=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = Store.objects.filter(
            pk__in=[s.pk for s in stores_with_everything], is_active=True, click_and_collect=True
        )

    def clean(self):
        data = super().clean()
        if data.get("method") == self.COLLECT and not data.get("store"):
            raise forms.ValidationError(
                "Choose a store that has everything in your basket, or choose home delivery."
            )
        return data
