"""The admin's URLs (``config.lazy_admin``): importing this registers every app's ModelAdmins."""

from django.contrib import admin

admin.autodiscover()

urlpatterns, app_name, _ = admin.site.urls
