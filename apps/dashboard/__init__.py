default_app_config = "apps.dashboard.apps.DashboardConfig"
