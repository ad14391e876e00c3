default_app_config = "apps.order.apps.OrderConfig"
