"""Where a page's time goes: cProfile over REQUESTS requests of one page, in-process, on the
database and settings the environment names (e.g. those bench/compare_oscar.sh exports).

    .venv/bin/python bench/profile_page.py /catalogue/some-product_1/ [COOKIE]

Prints the mean time a request and the functions with the most cumulative time (ours and
Oscar's, Django's template engine, the search engine, the database driver).
"""

import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
REQUESTS = int(os.environ.get("REQUESTS", "200"))

import django  # noqa: E402

django.setup()
from django.test import Client  # noqa: E402

path = sys.argv[1]
cookie = sys.argv[2] if len(sys.argv) > 2 else ""
client = Client(HTTP_HOST="127.0.0.1", HTTP_COOKIE=cookie)
for _ in range(5):
    assert client.get(path).status_code == 200  # warm: templates, thumbnails, caches
profile = cProfile.Profile()
start = time.perf_counter()
profile.enable()
for _ in range(REQUESTS):
    client.get(path)
profile.disable()
elapsed = time.perf_counter() - start
print(f"{path}: {elapsed / REQUESTS * 1000:.1f} ms a request (profiled), {REQUESTS} requests")
stats = pstats.Stats(profile)
stats.sort_stats(os.environ.get("SORT", "cumulative")).print_stats(int(os.environ.get("TOP", "45")))
