default_app_config = "apps.shipping.apps.ShippingConfig"
