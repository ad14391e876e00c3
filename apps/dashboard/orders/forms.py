"""Oscar's order dashboard forms, with no status choices for orders the store console moves."""

from oscar.apps.dashboard.orders import forms as oscar_forms
from oscar.apps.dashboard.orders.forms import *


class OrderStatusForm(oscar_forms.OrderStatusForm):
    def __init__(self, order, *args, **kwargs):
        super().__init__(order, *args, **kwargs)
        if order.is_moved_by_console:
            self.fields["new_status"].choices = []
