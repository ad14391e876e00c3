import datetime as dt

from django import forms

from apps.profiles import phones
from apps.profiles.models import Consent
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

    #: Offered to signed-in shoppers only, unticked: a tick gives consent, no tick changes nothing.
    keep_phone = forms.BooleanField(
        required=False, label="Keep this phone on my profile, so our stores find my orders by it"
    )
    CONSENTS = {
        Consent.EMAIL: "E-mail me news and offers",
        Consent.SMS: "Text me offers",
        Consent.PERSONALISATION: "Suggest products from what I buy online and in store",
    }

    def __init__(
        self,
        *args,
        stores_with_everything=(),
        offer_consents=(),
        pickup_times=None,
        ship_to=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        #: {store code: route}: my store lacks something, the routing policy sends it there.
        self.ship_to = ship_to or {}
        #: {store code: [Slot]}: the stores that offer pickup times, each asks for one
        #: (its own field, "time_<code>", so each store's choice sits beside it).
        self.pickup_times = pickup_times or {}
        for channel in offer_consents:  # the ones not given yet
            self.fields[f"consent_{channel}"] = forms.BooleanField(
                required=False, label=self.CONSENTS[channel]
            )
        offered = [s.pk for s in stores_with_everything]
        offered += [route.parts[0].location.pk for route in self.ship_to.values()]
        self.fields["store"].queryset = Store.objects.filter(
            pk__in=offered, is_active=True, click_and_collect=True
        )

    def clean_phone(self):
        typed = self.cleaned_data["phone"].strip()
        phone = phones.normalise(typed)
        if typed and not phone:
            raise forms.ValidationError("Enter a phone number we can text, like 07911 123456.")
        return phone

    def consents_given(self) -> list[str]:
        return [
            name.removeprefix("consent_")
            for name, value in self.cleaned_data.items()
            if name.startswith("consent_") and value
        ]

    def consent_fields(self):
        return [self[name] for name in self.fields if name.startswith("consent_")]

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
            if data.get("store"):
                data["route"] = self.ship_to.get(data["store"].code)
                data["slot"] = None if data["route"] else self._chosen_time(data["store"])
        return data

    def _chosen_time(self, store):
        """The pickup time chosen at a store that offers them (None where it offers none)."""
        times = self.pickup_times.get(store.code)
        if times is None:
            return None
        chosen = self.data.get(f"time_{store.code}", "")
        try:
            when = dt.datetime.fromisoformat(chosen)
        except ValueError:
            when = None
        match = next((t for t in times if t.starts_at == when), None) if when else None
        if match is None:
            self.add_error(
                None,
                f"Choose when you will collect from {store.name}: "
                + ("that time has just filled up." if chosen else "pick one of its times."),
            )
        return match
