default_app_config = "apps.checkout.apps.CheckoutConfig"
