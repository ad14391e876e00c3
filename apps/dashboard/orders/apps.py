from oscar.apps.dashboard.orders import apps


class OrdersDashboardConfig(apps.OrdersDashboardConfig):
    name = "apps.dashboard.orders"
