"""Oscar's order dashboard, refusing status changes for pickup orders and till sales: those
move only through the store console's services (handover checks the pickup code, stock goes
through the ledger), so no order is ever shown as collected before it was handed over."""

from django.contrib import messages
from oscar.apps.dashboard.orders import views as oscar_views
from oscar.apps.dashboard.orders.views import *

CONSOLE_ONLY = (
    "Order {number} is a pickup order or a till sale: its status changes in the store console, "
    "where handover checks the pickup code and stock moves through the ledger."
)


class OrderListView(oscar_views.OrderListView):
    def change_order_status(self, request, order):
        if order.is_moved_by_console:
            messages.error(request, CONSOLE_ONLY.format(number=order.number))
            return None
        return super().change_order_status(request, order)


class OrderDetailView(oscar_views.OrderDetailView):
    def change_order_status(self, request, order):
        if order.is_moved_by_console:
            return self.reload_page(error=CONSOLE_ONLY.format(number=order.number))
        return super().change_order_status(request, order)
