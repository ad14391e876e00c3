from django import forms
from django.forms import inlineformset_factory

from apps.stores.models import ClosedDay, Location, OpeningHours


class StoreForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = [
            "code",
            "name",
            "is_active",
            "line1",
            "line2",
            "city",
            "postcode",
            "country",
            "latitude",
            "longitude",
            "phone",
            "email",
            "timezone",
            "click_and_collect",
            "lead_time_minutes",
            "holding_days",
            "safety_buffer",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # the code names the store's partner and stock records
            self.fields["code"].disabled = True


class HoursForm(forms.ModelForm):
    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]
        widgets = {
            "opens": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean(self):
        data = super().clean()
        if data.get("opens") and data.get("closes") and data["opens"] >= data["closes"]:
            raise forms.ValidationError("The store must close after it opens.")
        return data


HoursFormSet = inlineformset_factory(
    Location, OpeningHours, form=HoursForm, extra=0, max_num=7, can_delete=True
)
ClosedDayFormSet = inlineformset_factory(
    Location,
    ClosedDay,
    fields=["date", "reason"],
    widgets={"date": forms.DateInput(attrs={"type": "date"})},
    extra=2,
    can_delete=True,
)
