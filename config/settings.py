"""Omnishop settings: one module, read from the environment.

With nothing set you get the embedded default: SQLite, Celery tasks run eagerly,
local-memory cache, e-mail printed to the console. ``DATABASE_URL`` and ``REDIS_URL``
switch to PostgreSQL and a real broker and cache; ``DJANGO_ENV=production`` turns on
the hardened settings that ``manage.py check --deploy`` asks for.
"""

import base64
import datetime as dt
import hashlib
from pathlib import Path

import environ
from celery.schedules import crontab
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from oscar.defaults import *  # noqa: F403

from apps.order.statuses import PIPELINE as ORDER_PIPELINE

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # the embedded default keeps its database, index and media here
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
if PRODUCTION:
    # Refuse to start rather than run with a guessable key or answer any Host header.
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="").strip()
    ALLOWED_HOSTS = [h.strip() for h in env.list("DJANGO_ALLOWED_HOSTS", default=[]) if h.strip()]
    if len(SECRET_KEY) < 32 or SECRET_KEY.startswith("dev-only"):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set in production: 32 characters or more, kept secret "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS must be set in production: the shop's host names, "
            "comma-separated (e.g. shop.example.com)."
        )
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-not-secret-omnishop")
    ALLOWED_HOSTS = env.list(
        "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"]
    )
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# The shop's own address: every link in an e-mail is absolute on it, and the
# django.contrib.sites row (SITE_ID) is kept equal to it after each migrate.
SITE_DOMAIN = env.str("SITE_DOMAIN", default="127.0.0.1:8000")
SITE_SCHEME = env.str("SITE_SCHEME", default="https" if PRODUCTION else "http")

# --- Applications -------------------------------------------------------------------------

OSCAR_FORKS = {
    "oscar.apps.partner.apps.PartnerConfig": "apps.partner.apps.PartnerConfig",
    "oscar.apps.shipping.apps.ShippingConfig": "apps.shipping.apps.ShippingConfig",
    "oscar.apps.checkout.apps.CheckoutConfig": "apps.checkout.apps.CheckoutConfig",
    "oscar.apps.order.apps.OrderConfig": "apps.order.apps.OrderConfig",
    "oscar.apps.dashboard.apps.DashboardConfig": "apps.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig": (
        "apps.dashboard.orders.apps.OrdersDashboardConfig"
    ),
    "oscar.apps.dashboard.catalogue.apps.CatalogueDashboardConfig": (
        "apps.dashboard.catalogue.apps.CatalogueDashboardConfig"
    ),
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig": (
        "apps.dashboard.ranges.apps.RangesDashboardConfig"
    ),
    "oscar.apps.search.apps.SearchConfig": "apps.search.apps.SearchConfig",
}

INSTALLED_APPS = [
    "config.lazy_admin.AdminConfig",  # Django's admin, its ModelAdmins loaded when first used
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "oscar.config.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "oscar.apps.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "oscar.apps.shipping.apps.ShippingConfig",
    "oscar.apps.catalogue.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "oscar.apps.partner.apps.PartnerConfig",
    "oscar.apps.basket.apps.BasketConfig",
    "oscar.apps.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "oscar.apps.order.apps.OrderConfig",
    "oscar.apps.customer.apps.CustomerConfig",
    "oscar.apps.search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "oscar.apps.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig",
    "oscar.apps.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "apps.dashboard.stock.apps.StockDashboardConfig",
    "apps.dashboard.stores.apps.StoresDashboardConfig",
    "apps.dashboard.journey.apps.JourneyDashboardConfig",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "sorl.thumbnail",
    "django_tables2",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_standardized_errors",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",  # the beat schedule in the database, editable in Django admin
    "health_check",  # /health/ (its page for a browser)
    # Omnishop's own apps
    "apps.stores.apps.StoresConfig",
    "apps.inventory.apps.InventoryConfig",
    "apps.storefront.apps.StorefrontConfig",
    "apps.pickup.apps.PickupConfig",
    "apps.routing.apps.RoutingConfig",
    "apps.instore.apps.InstoreConfig",
    "apps.notifications.apps.NotificationsConfig",
    "apps.demo.apps.DemoConfig",
    "apps.profiles.apps.ProfilesConfig",
    "apps.recommendations.apps.RecommendationsConfig",
    "apps.journey.apps.JourneyConfig",
    "apps.privacy.apps.PrivacyConfig",
    "apps.api.apps.ApiConfig",
    "apps.ops.apps.OpsConfig",  # health checks, heartbeat, beat schedule, dead letters
    "apps.ops.dashboard.apps.OpsDashboardConfig",
    "axes",
]
INSTALLED_APPS = [OSCAR_FORKS.get(app, app) for app in INSTALLED_APPS]

SITE_ID = 1

MIDDLEWARE = [
    # First: a load balancer's probe of /health/ or /health/live by address, over plain HTTP.
    "apps.ops.middleware.HealthProbes",
    "config.cache.versions_once_a_request",  # the shared cache's versions: one read a request
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.RefuseControlCharacters",
    "config.middleware.IdsThatNameNothingAreNotFound",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "apps.stores.my_store.keep_in_cookie",  # the shopper's "my store" cookie
    "config.middleware.KeepRowsOthersReferTo",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "apps.storefront.basket.BasketMiddleware",  # Oscar's, without offers the shop has not got
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
    # Last, as django-axes asks: it answers a locked-out login with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "config.templates.DjangoTemplates",  # tag libraries imported on first load
        "NAME": "django",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.template.context_processors.i18n",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
                "apps.storefront.context_processors.my_store",
            ],
        },
    }
]

FORM_RENDERER = "config.templates.FormRenderer"

AUTHENTICATION_BACKENDS = (
    # First: refuses a login for an account and address locked out after failed attempts.
    "axes.backends.AxesStandaloneBackend",
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
)


# Content-Security-Policy (django-csp): scripts from this shop only. The one inline script,
# Oscar's page-load hook in templates/oscar/base.html, carries the page's nonce; our own pages
# have none. Oscar's few constant inline handlers (its forms' "cancel" links) are allowed by
# their hash alone ('unsafe-hashes'), never inline script in general.
def _sha256(source: str) -> str:
    return base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()


OSCAR_INLINE_HANDLERS = (
    "history.go(-1);return false",
    "window.history.go(-1);return false",
    "javascript:history.go(-1);",
    "window.close();return false;",
    "window.print()",
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [
            csp.SELF,
            csp.NONCE,
            csp.UNSAFE_HASHES,
            *(f"'sha256-{_sha256(handler)}'" for handler in OSCAR_INLINE_HANDLERS),
        ],
        # Oscar, Bootstrap, TinyMCE and Swagger UI set style attributes.
        "style-src": [csp.SELF, csp.UNSAFE_INLINE],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF, "data:"],
        "connect-src": [csp.SELF],
        "worker-src": [csp.SELF, "blob:"],  # ReDoc renders the API docs in a worker
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.SELF],
    }
}

# Login lockout (django-axes): every sign-in form (shop, console, dashboard, admin, the API's
# browsable login) counts failures per account and address; AXES_FAILURE_LIMIT wrong passwords
# lock that pair out for AXES_COOLOFF_MINUTES, with a page that says so.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "apps.storefront.account.login_name"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=1 if PRODUCTION else 0)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_REDIRECT_URL = "/"
# Oscar's account pages edit this model beside the user (a phone the tills can find).
AUTH_PROFILE_MODULE = "profiles.Profile"
# Numbers typed without a country code are read in this region ("07911 123456" in GB).
PHONENUMBER_DEFAULT_REGION = env.str("PHONE_REGION", default="GB")

# --- Data ---------------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'omnishop.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Persistent connections (checked before reuse) save a connect per request on PostgreSQL.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves one demo user; wait for the writer instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down: pages and the read-only API answer without the cache (config/cache.py).
            "BACKEND": "config.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            # Parallel test processes (pytest-xdist's gw0, gw1...) share the tests' Redis
            # database: each keeps to its own keys.
            "KEY_PREFIX": env.str("PYTEST_XDIST_WORKER", default=""),
        }
    }
    # Sessions read from Redis, written through to the database (kept across a cache loss).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # Thumbnail metadata lives in the cache: keep enough entries for a whole catalogue.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }

# --- Celery: eager without a broker, Redis with one ---------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A task taken by a worker that dies unacknowledged goes back to the queue after this long
    # (Redis has no acks); longer than any retry countdown (10 minutes at most), or a task
    # waiting for its countdown would be sent twice.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "socket_connect_timeout": 5,
    # Parallel test processes (pytest-xdist) share the tests' Redis database: own queues each.
    "global_keyprefix": env.str("PYTEST_XDIST_WORKER", default=""),
}
#: The beat schedule lives in the database (django-celery-beat, editable in Django admin);
#: ``setup_beat_schedule`` (also run by every migrate) writes this list of jobs into it.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
#: /health/ fails when no worker has run the heartbeat task (every minute) for this long.
HEALTH_WORKER_STALE_SECONDS = env.int("HEALTH_WORKER_STALE_SECONDS", default=5 * 60)
CELERY_BEAT_SCHEDULE = {
    "expire-uncollected-pickups": {
        "task": "apps.pickup.tasks.expire_uncollected",
        "schedule": 30 * 60,
    },
    "remind-uncollected-pickups": {
        "task": "apps.pickup.tasks.remind_uncollected",
        "schedule": 30 * 60,
    },
    # Substitutes not answered in time: the missing units are not supplied.
    "expire-substitutions": {
        "task": "apps.pickup.tasks.expire_substitutions",
        "schedule": 5 * 60,
    },
    "write-product-views": {
        "task": "apps.storefront.tasks.write_product_views",
        "schedule": 60,
    },
    "send-pending-notifications": {
        "task": "apps.notifications.tasks.send_pending_notifications",
        "schedule": 5 * 60,
    },
    "send-pending-till-receipts": {
        "task": "apps.instore.tasks.send_pending_till_receipts",
        "schedule": 5 * 60,
    },
    # A worker says it is alive: /health/ checks how long ago (HEALTH_WORKER_STALE_SECONDS).
    "worker-heartbeat": {
        "task": "apps.ops.tasks.heartbeat",
        "schedule": 60,
        "options": {"expire_seconds": 60},
    },
    # Flash-sale holds past their time are deleted (they stopped counting when they expired).
    "release-expired-holds": {
        "task": "apps.inventory.tasks.release_expired_holds",
        "schedule": 60,
    },
    # Hourly: each store's digest goes once a day, from 07:00 its own time.
    "send-low-stock-digests": {
        "task": "apps.inventory.tasks.send_low_stock_digests",
        "schedule": 60 * 60,
    },
    # Nightly: recommendations from the day's purchases in every channel.
    "compute-recommendations": {
        "task": "apps.recommendations.tasks.compute_recommendations",
        "schedule": crontab(hour=2, minute=30),
    },
    # Customers' data: purge what is kept only while an order is under way; expired exports.
    "purge-retained-personal-data": {
        "task": "apps.privacy.tasks.purge_retained",
        "schedule": 24 * 60 * 60,
    },
    "delete-expired-data-exports": {
        "task": "apps.privacy.tasks.delete_expired_exports",
        "schedule": 60 * 60,
    },
}

# --- Search: Whoosh on disk by default, PostgreSQL full-text search on PostgreSQL, any Haystack
# backend by setting (docs/search.md) --------------------------------------------------------

SEARCH_URL = env.str("SEARCH_URL", default="")
if SEARCH_URL and not env.str("SEARCH_ENGINE", default=""):
    raise ImproperlyConfigured(
        "SEARCH_URL is set but SEARCH_ENGINE is not: name the Haystack engine of that server, "
        "e.g. SEARCH_ENGINE=haystack.backends.elasticsearch7_backend.Elasticsearch7SearchEngine."
    )
HAYSTACK_CONNECTIONS = {
    "default": {
        "ENGINE": env.str(
            "SEARCH_ENGINE",
            # The database every process shares, else an index on this machine's disk.
            default="apps.search.backends.PostgresEngine"
            if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
            else "apps.search.backends.WhooshEngine",
        ),
        "PATH": env.str("SEARCH_INDEX_PATH", default=str(VAR_DIR / "whoosh_index")),
        "URL": SEARCH_URL,
        "INDEX_NAME": env.str("SEARCH_INDEX_NAME", default="omnishop"),
        "INCLUDE_SPELLING": False,
    },
}
# A product, its categories or its price changed: indexed again by a Celery task after commit.
HAYSTACK_SIGNAL_PROCESSOR = env.str(
    "SEARCH_SIGNAL_PROCESSOR", default="apps.search.processors.QueuedSignalProcessor"
)

# --- Internationalisation -----------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English"))]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
THUMBNAIL_KVSTORE = "sorl.thumbnail.kvstores.cached_db_kvstore.KVStore"
# Uploads (product images and their thumbnails): the local MEDIA_ROOT by default; "s3" keeps
# them in an S3-compatible bucket (django-storages) that every web process and worker shares.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local")
if MEDIA_STORAGE == "s3":
    if not env.str("AWS_STORAGE_BUCKET_NAME", default=""):
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME (the bucket).")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {  # credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, read by boto3
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
            "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=False),
            "default_acl": None,
            "file_overwrite": False,
        },
    }
elif MEDIA_STORAGE != "local":
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be 'local' or 's3', not {MEDIA_STORAGE!r}.")

# --- E-mail -------------------------------------------------------------------------------

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Omnishop <shop@omnishop.example>")
OSCAR_FROM_EMAIL = DEFAULT_FROM_EMAIL

# --- Oscar --------------------------------------------------------------------------------

OSCAR_SHOP_NAME = env.str("SHOP_NAME", default="Omnishop")
OSCAR_URL_SCHEMA = SITE_SCHEME  # Oscar's absolute_url tag
OSCAR_SHOP_TAGLINE = "Buy online, collect in store"
OSCAR_DEFAULT_CURRENCY = "GBP"
OSCAR_ALLOW_ANON_CHECKOUT = True
OSCAR_EAGER_ALERTS = False
OSCAR_INITIAL_ORDER_STATUS = "Placed"
OSCAR_INITIAL_LINE_STATUS = "Placed"
OSCAR_ORDER_STATUS_PIPELINE = {status: list(nexts) for status, nexts in ORDER_PIPELINE.items()}
OSCAR_LINE_STATUS_PIPELINE = OSCAR_ORDER_STATUS_PIPELINE
OSCAR_MISSING_IMAGE_URL = "image_not_found.jpg"
OSCAR_DASHBOARD_NAVIGATION = [
    *OSCAR_DASHBOARD_NAVIGATION,
    {
        "label": _("Stock"),
        "icon": "fas fa-boxes",
        "children": [
            {"label": _("Stock by location"), "url_name": "dashboard:stock-list"},
            {"label": _("Transfers"), "url_name": "dashboard:stock-transfer-list"},
            {"label": _("New transfer"), "url_name": "dashboard:stock-transfer"},
            {"label": _("Import stock"), "url_name": "dashboard:stock-import"},
        ],
    },
    {
        "label": _("Stores"),
        "icon": "fas fa-store",
        "children": [
            {"label": _("Stores overview"), "url_name": "dashboard:stores-overview"},
            {"label": _("Open a store"), "url_name": "dashboard:store-create"},
            {"label": _("Journey figures"), "url_name": "dashboard:journey"},
        ],
    },
    {
        "label": _("Failed tasks"),
        "icon": "fas fa-exclamation-triangle",
        "url_name": "dashboard:dead-letter-list",
    },
]

# --- Store console ------------------------------------------------------------------------
#: How often every console page asks for new orders and arrivals (its badge and chime).
CONSOLE_PULSE_SECONDS = env.int("CONSOLE_PULSE_SECONDS", default=15)

# --- Django REST framework ----------------------------------------------------------------

REST_FRAMEWORK = {
    # Browsers (the console, the shop's own pages) use the session; scanners, store systems and
    # the mobile app send "Authorization: Token <key>" (keys in Django admin or drf_create_token).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "apps.api.schema.AutoSchema",
    # JSON only: an order's lines and an address do not fit in a form's flat fields.
    "DEFAULT_PARSER_CLASSES": ["apps.api.parsers.TextOnlyJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_FILTER_BACKENDS": ["apps.api.filters.FilterBackend"],
    # Public endpoints (stores, catalogue) limit anonymous callers per IP address.
    "DEFAULT_THROTTLE_RATES": {"anon": env.str("API_ANON_RATE", default="120/minute")},
    # One error shape for every 4xx/5xx (apps/api/exceptions.py says which status means what).
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Omnishop API",
    "DESCRIPTION": (
        "Store systems, scanners and the mobile app. Console endpoints are scoped to the "
        "caller's stores: another store's orders answer 403 (its URLs) or 404 (through yours)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc from drf-spectacular-sidecar: the docs work without a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ValidationErrorEnum": "drf_standardized_errors.openapi_serializers.ValidationErrorEnum.choices",
        "ClientErrorEnum": "drf_standardized_errors.openapi_serializers.ClientErrorEnum.choices",
        "ServerErrorEnum": "drf_standardized_errors.openapi_serializers.ServerErrorEnum.choices",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
        "apps.api.schema.constrain_inputs",
    ],
}
_ERROR = "apps.api.plumbing.ErrorResponseSerializer"
_ERROR_STATUSES = ["400", "401", "402", "403", "404", "405", "406", "409", "415", "422", "429"]
DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_HANDLER_CLASS": "apps.api.exceptions.ErrorHandler",
    "EXCEPTION_FORMATTER_CLASS": "apps.api.exceptions.ErrorFormatter",
    "ALLOWED_ERROR_STATUS_CODES": [*_ERROR_STATUSES, "500"],
    "ERROR_SCHEMAS": dict.fromkeys([*_ERROR_STATUSES, "500"], _ERROR),
}

# --- Production hardening -----------------------------------------------------------------

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # A load balancer probes over plain HTTP (apps.ops.middleware answers them first anyway).
    SECURE_REDIRECT_EXEMPT = [r"^health/"]
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    OSCAR_BASKET_COOKIE_SECURE = True
    OSCAR_RECENTLY_VIEWED_COOKIE_SECURE = True
    SERVE_MEDIA = env.bool("SERVE_MEDIA", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "oscar": {"level": "WARNING"},
    },
}

# --- Omnishop -----------------------------------------------------------------------------

OMNISHOP_PAYMENT_GATEWAY = env.str("PAYMENT_GATEWAY", default="apps.checkout.payment.TestGateway")
#: Stripe's keys, for PAYMENT_GATEWAY=apps.checkout.payment.StripeGateway (docs/payments.md):
#: the secret key stays on the server, the publishable one is given to Stripe Elements.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
if OMNISHOP_PAYMENT_GATEWAY.endswith(".StripeGateway") and not STRIPE_SECRET_KEY:
    raise ImproperlyConfigured(
        "PAYMENT_GATEWAY is the Stripe gateway: set STRIPE_SECRET_KEY (sk_live_... or "
        "sk_test_...), or leave PAYMENT_GATEWAY unset for the test gateway."
    )
if OMNISHOP_PAYMENT_GATEWAY.endswith(".StripeGateway"):
    # Stripe Elements: the card is typed into Stripe's frame, its script talks to Stripe.
    _stripe_csp = CONTENT_SECURITY_POLICY["DIRECTIVES"]
    _stripe_csp["script-src"].append("https://js.stripe.com")
    _stripe_csp["connect-src"].append("https://api.stripe.com")
    _stripe_csp["frame-src"] = ["https://js.stripe.com", "https://hooks.stripe.com"]
#: How many days ahead checkout offers pickup times (stores that set their orders an hour).
PICKUP_SLOT_DAYS = env.int("PICKUP_SLOT_DAYS", default=7)
#: Days a shopper may add, once, to a ready order's holding days from its page or the API.
PICKUP_HOLD_EXTENSION_DAYS = env.int("PICKUP_HOLD_EXTENSION_DAYS", default=3)
#: Hours a shopper has to accept or decline a substitute for a short-picked item (docs/substitutions.md).
OMNISHOP_SUBSTITUTION_HOURS = env.int("OMNISHOP_SUBSTITUTION_HOURS", default=2)
#: Flash-sale mode (docs/holds.md): minutes a collect basket's units are held at my store for
#: the shopper (0, the default: no holds), and the most units of one product one customer may
#: hold (0: no limit).
OMNISHOP_BASKET_HOLD_MINUTES = env.int("BASKET_HOLD_MINUTES", default=0)
OMNISHOP_HOLD_LIMIT_PER_CUSTOMER = env.int("HOLD_LIMIT_PER_CUSTOMER", default=0)
for _name, _value in (
    ("BASKET_HOLD_MINUTES", OMNISHOP_BASKET_HOLD_MINUTES),
    ("HOLD_LIMIT_PER_CUSTOMER", OMNISHOP_HOLD_LIMIT_PER_CUSTOMER),
):
    if not 0 <= _value <= 10_000:
        raise ImproperlyConfigured(f"{_name} must be 0 (off) to 10000, not {_value}.")
# Routing (docs/routing.md): which locations an order's units come from.
#: A policy's name (nearest, fewest-parts, safety-stock, warehouse-first) or a class's dotted path.
OMNISHOP_ROUTING_POLICY = env.str("ROUTING_POLICY", default="nearest")
#: Days a transfer takes from one location to another when no route sets its own.
ROUTING_TRANSFER_DAYS = env.int("ROUTING_TRANSFER_DAYS", default=2)
#: Units of each product a store keeps for walk-in customers under the safety-stock policy
#: (a store's own safety buffer counts when it is higher).
ROUTING_SAFETY_STOCK = env.int("ROUTING_SAFETY_STOCK", default=2)
# Text messages to shoppers: the console backend logs them; set a provider's backend class here.
SMS_BACKEND = env.str("SMS_BACKEND", default="apps.notifications.sms.ConsoleBackend")

# --- Customers' data (docs/privacy.md) ----------------------------------------------------
#: Data exports wait here for their download: outside MEDIA_ROOT, never served as media.
PRIVACY_EXPORT_ROOT = env.str("PRIVACY_EXPORT_ROOT", default=str(VAR_DIR / "private" / "exports"))
#: How long an export's signed download link works; the archive is deleted after.
PRIVACY_EXPORT_LINK_HOURS = env.int("PRIVACY_EXPORT_LINK_HOURS", default=72)
#: Days after an order ends that a guest order's contact details are kept.
PRIVACY_RETENTION_DAYS = env.int("PRIVACY_RETENTION_DAYS", default=365)
#: Days after an order ends that arrival notes, handover names and pickup codes are kept.
PRIVACY_PICKUP_RETENTION_DAYS = env.int("PRIVACY_PICKUP_RETENTION_DAYS", default=90)
#: The mailto address in marketing e-mails' List-Unsubscribe header (a mailbox someone reads).
PRIVACY_UNSUBSCRIBE_MAILTO = env.str(
    "PRIVACY_UNSUBSCRIBE_MAILTO", default="unsubscribe@omnishop.example"
)
