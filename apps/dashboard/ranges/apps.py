from oscar.apps.dashboard.ranges import apps


class RangesDashboardConfig(apps.RangesDashboardConfig):
    name = "apps.dashboard.ranges"
