from django import forms
from django.contrib.auth import get_user_model
from django.forms import BaseInlineFormSet, inlineformset_factory

from apps.stores.models import ClosedDay, Location, OpeningHours, PickupWindow, StoreStaff


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
            "pickups_per_hour",
            "slot_minutes",
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


class WindowForm(forms.ModelForm):
    class Meta:
        model = PickupWindow
        fields = ["weekday", "starts", "ends"]
        widgets = {
            "starts": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ends": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["starts"] >= data["ends"]:
            raise forms.ValidationError("A pickup window must end after it starts.")
        return data


WindowFormSet = inlineformset_factory(
    Location, PickupWindow, form=WindowForm, extra=2, can_delete=True
)
ClosedDayFormSet = inlineformset_factory(
    Location,
    ClosedDay,
    fields=["date", "reason"],
    # An <input type="date"> only takes ISO dates: in the shop's locale (en-gb, 25/12/2026) a
    # saved closed day came back blank and the store could not be saved again.
    widgets={"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")},
    extra=2,
    can_delete=True,
)


class StaffForm(forms.ModelForm):
    """A member of staff by their account's e-mail, and their role at this store."""

    email = forms.EmailField(label="Account e-mail")

    class Meta:
        model = StoreStaff
        fields = ["role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["email"].initial = self.instance.user.email
        self.order_fields(["email", "role"])

    def clean_email(self):
        user = get_user_model().objects.filter(email__iexact=self.cleaned_data["email"]).first()
        if user is None:
            raise forms.ValidationError("No account has this e-mail: they sign up first.")
        store = self.instance.location if self.instance.location_id else None
        already = StoreStaff.objects.filter(location=store, user=user).exclude(pk=self.instance.pk)
        if store is not None and already.exists():
            raise forms.ValidationError("Already on this store's staff: change their role above.")
        return user

    def save(self, commit=True):
        self.instance.user = self.cleaned_data["email"]
        return super().save(commit=commit)


class BaseStaffFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        users = [
            form.cleaned_data["email"]
            for form in self.forms
            if form.cleaned_data.get("email") and not form.cleaned_data.get("DELETE")
        ]
        if len(users) != len(set(users)):
            raise forms.ValidationError("Each person is listed once, with one role.")


StaffFormSet = inlineformset_factory(
    Location, StoreStaff, form=StaffForm, formset=BaseStaffFormSet, extra=1, can_delete=True
)
