"""The API and the store console are imported by the first request that needs them, not by every
storefront worker (config/lazy_urls.py), and their URLs still resolve and reverse."""

import json
import subprocess
import sys

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
