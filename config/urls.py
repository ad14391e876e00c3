from django.apps import apps
from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve

from apps.storefront.urls import oscar_pages, pickup_urls, stores_urls
from apps.storefront.views import HomeView, favicon

from .lazy_urls import lazy_include

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("favicon.ico", favicon, name="favicon"),
    lazy_include("admin/", "config.admin_urls", "admin"),
    path("health/", include("apps.ops.urls")),  # load balancers and monitoring
    path("i18n/", include("django.conf.urls.i18n")),
    path("stores/", include(stores_urls)),
    lazy_include("console/", "apps.console.urls", "console"),
    path("pickup/", include(pickup_urls)),
    lazy_include("api/", "apps.api.urls", "api"),
    # The browsable API's sign-in (its templates name the top-level "rest_framework" namespace).
    path("api/auth/", include("rest_framework.urls")),
    path("accounts/card/", include("apps.profiles.urls")),  # the account card, for the till
    # Privacy and consent, my data, delete my account (before Oscar's "Delete profile"), unsubscribe.
    path("", include("apps.privacy.urls")),
    *oscar_pages,  # some of Oscar's page URLs, our views: before Oscar's own
    path("", include(apps.get_app_config("oscar").urls[0])),
]

if settings.SERVE_MEDIA:
    urlpatterns.insert(
        0,
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    )

handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"  # a database outage: 503 with Retry-After
