from oscar.apps.dashboard.catalogue import apps


class CatalogueDashboardConfig(apps.CatalogueDashboardConfig):
    name = "apps.dashboard.catalogue"
