"""The API, the store console, the admin's ModelAdmins and the template tag libraries are
imported by the first request that needs them, not by every storefront worker
(config/lazy_urls.py, config/lazy_admin.py, config/templates.py), and still work."""

import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import resolve, reverse

PROBE = """
import json, sys, django
django.setup()
from django.urls import resolve, reverse
SECTIONS = ("apps.api.urls", "drf_spectacular.views", "apps.console.urls", "apps.console.views")
def loaded():
    return [name for name in SECTIONS if name in sys.modules]
steps = {}
reverse("catalogue:index"); resolve("/catalogue/"); reverse("basket:summary")
steps["storefront"] = loaded()
steps["api_reversed"] = (reverse("api:my-stores"), loaded())
resolve("/console/")
steps["console_resolved"] = loaded()
print(json.dumps(steps))
"""


def test_storefront_urls_do_not_import_the_api_or_the_console():
    run = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    steps = json.loads(run.stdout.strip().splitlines()[-1])

    assert steps["storefront"] == []
    path, loaded = steps["api_reversed"]
    assert path == "/api/console/"
    assert loaded == ["apps.api.urls", "drf_spectacular.views"]
    assert steps["console_resolved"] == [
        "apps.api.urls",
        "drf_spectacular.views",
        "apps.console.urls",
        "apps.console.views",
    ]


def test_lazy_sections_resolve_and_reverse_in_a_loaded_process():
    assert reverse("console:home") == "/console/"
    assert resolve("/api/console/").url_name == "my-stores"
    assert resolve("/api/console/").namespace == "api"


WORKER_PROBE = """
import json, sys, django
django.setup()
from django import forms
from django.template import engines
from django.urls import reverse
ADMIN = ("apps.inventory.admin", "django_celery_beat.admin")
LIBRARIES = ("rest_framework.templatetags.rest_framework", "django_tables2.templatetags.django_tables2")
def loaded(names):
    return [name for name in names if name in sys.modules]
steps = {}
page = engines["django"].from_string("{% load i18n static %}{% translate 'Basket' %} {% get_static_prefix %}")
widget = str(forms.CharField().widget.render("name", "x"))  # the form renderer's own engine
steps["storefront"] = [page.render({}), "<input" in widget, loaded(ADMIN), loaded(LIBRARIES + ("requests",))]
engines["django"].from_string("{% load rest_framework %}")
steps["drf_loaded"] = loaded(LIBRARIES)
steps["admin_reversed"] = (reverse("admin:index"), loaded(ADMIN))
print(json.dumps(steps))
"""


def test_a_storefront_worker_imports_no_modeladmin_and_no_tag_library_it_does_not_load():
    """Every app's admin.py waits for the admin's first use (config/lazy_admin.py), and each
    template tag library for the first {% load %} naming it (config/templates.py)."""
    run = subprocess.run(
        [sys.executable, "-c", WORKER_PROBE],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    steps = json.loads(run.stdout.strip().splitlines()[-1])

    assert steps["storefront"] == ["Basket /static/", True, [], []]
    assert steps["drf_loaded"] == ["rest_framework.templatetags.rest_framework"]
    path, loaded = steps["admin_reversed"]
    assert path == "/admin/"
    assert loaded == ["apps.inventory.admin", "django_celery_beat.admin"]


def test_an_unknown_tag_library_is_still_a_template_error_naming_it():
    from django.template import TemplateSyntaxError, engines

    with pytest.raises(TemplateSyntaxError, match="'no_such_tags' is not a registered tag library"):
        engines["django"].from_string("{% load no_such_tags %}")


def test_a_library_two_apps_name_goes_to_the_later_app_as_in_django():
    from django.template.backends.django import get_installed_libraries

    from config.templates import library_candidates

    candidates = library_candidates()
    chosen = {name: paths[-1] for name, paths in candidates.items()}
    assert {n: p for n, p in chosen.items() if n in get_installed_libraries()} == (
        get_installed_libraries()
    )


def test_manage_py_check_still_checks_the_registered_modeladmins(admin_client):
    from django.contrib import admin
    from django.core.management import call_command

    call_command("check", tags=["admin"])
    assert "django_celery_beat" in {m._meta.app_label for m in admin.site._registry}
    assert admin_client.get("/admin/inventory/").status_code == 200
