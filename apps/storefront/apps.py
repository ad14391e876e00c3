from django.apps import AppConfig
from django.db.models.signals import post_migrate


def sync_site(*, using="default", **kwargs) -> None:
    """Keep django.contrib.sites' row (SITE_ID) on the shop's address and name from settings,
    not the default site Django creates: Oscar's e-mails and pages read it. Runs after every migrate
    (and test-database flush), after the sites app has made its default row."""
    from django.conf import settings
    from django.contrib.sites.models import Site

    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": settings.SITE_DOMAIN, "name": settings.OSCAR_SHOP_NAME},
    )


class StorefrontConfig(AppConfig):
    name = "apps.storefront"
    label = "storefront"
    verbose_name = "Storefront"

    def ready(self) -> None:
        # After the sites app's own receiver (connected first: it comes first in INSTALLED_APPS).
        sites = self.apps.get_app_config("sites")
        post_migrate.connect(sync_site, sender=sites, dispatch_uid="omnishop-sync-site")
        # Product views counted in Redis and written in batches, not on each page view.
        from oscar.apps.analytics import receivers
        from oscar.apps.catalogue.signals import product_viewed

        from . import analytics, menu, tasks  # noqa: F401 - receivers and the task register

        product_viewed.disconnect(receivers.receive_product_view)
        product_viewed.connect(analytics.count_product_view, dispatch_uid="omnishop-views")
