"""Oscar's order dashboard forms, with no status choices for orders the store console moves,
and the order search by channel (web delivery, web collect, store till) and store."""

from django import forms
from oscar.apps.dashboard.orders import forms as oscar_forms
from oscar.apps.dashboard.orders.forms import *

from apps.stores.models import Location

from .channels import CHANNELS


class OrderStatusForm(oscar_forms.OrderStatusForm):
    def __init__(self, order, *args, **kwargs):
        super().__init__(order, *args, **kwargs)
        if order.is_moved_by_console:
            self.fields["new_status"].choices = []


class OrderSearchForm(oscar_forms.OrderSearchForm):
    """Oscar's search, plus channel and store; the state (status) is filtered by the view with
    the other two so each can be counted under the rest."""

    channel = forms.ChoiceField(
        choices=[("", "Every channel"), *CHANNELS.items()], required=False, label="Channel"
    )
    store = forms.ModelChoiceField(
        queryset=Location.objects.filter(kind=Location.Kind.STORE).order_by("name"),
        to_field_name="code",
        required=False,
        empty_label="Every store",
        label="Store",
    )

    def clean(self):
        data = super().clean()
        # Oscar's view filters on "status"; ours does, beside channel and store (and counts).
        self.state = data.get("status") or ""
        data["status"] = ""
        return data
