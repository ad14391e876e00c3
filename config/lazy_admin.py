"""Django's admin, with every app's ``admin.py`` imported when the admin is first needed: its
URLs resolved or reversed (``config.admin_urls``, a lazy section of the root URLconf) or
``manage.py check``. A storefront worker that never serves the admin does not carry the
ModelAdmins, their forms and the libraries behind them."""

from django.contrib import admin
from django.contrib.admin.apps import SimpleAdminConfig
from django.contrib.admin.checks import check_admin_app, check_dependencies
from django.core import checks


def check_registered_models(app_configs, **kwargs):
    """Django's checks of the registered ModelAdmins, once they are all registered."""
    admin.autodiscover()
    return check_admin_app(app_configs, **kwargs)


class AdminConfig(SimpleAdminConfig):
    def ready(self):
        checks.register(check_dependencies, checks.Tags.admin)
        checks.register(check_registered_models, checks.Tags.admin)
