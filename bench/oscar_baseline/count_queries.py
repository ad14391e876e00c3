# SQL queries per page, for the pages bench.sh measures. Run inside an Oscar project:
#   python manage.py shell -v 0 -c "exec(open('bench/oscar_baseline/count_queries.py').read())"
#   (or: python manage.py shell -v 0 < count_queries.py)
# Each request uses a fresh django.test.Client (no cookies, like wrk). "first" is the first request for that page
# in this process; "repeat" is the next one, with per-process caches warm (what a busy gunicorn worker does).
# Same env overrides as bench.sh: CATALOGUE_PATH CATEGORY_PATH PRODUCT_PATH SEARCH_PATH SEARCH_Q; COUNT_HOST.
import os as _os
import re as _re

from django.conf import settings as _settings
from django.db import connection as _connection
from django.test import Client as _Client
from django.test.utils import CaptureQueriesContext as _Capture

_host = _os.environ.get("COUNT_HOST") or next(
    (h for h in _settings.ALLOWED_HOSTS if h and h != "*" and not h.startswith(".")), "localhost")


def _get(path):
    with _Capture(_connection) as ctx:
        r = _Client(HTTP_HOST=_host).get(path)
    return r, len(ctx.captured_queries)


def _rel(href):
    return _re.sub(r"^https?://[^/]+", "", href)


_cat_path = _os.environ.get("CATALOGUE_PATH", "/catalogue/")
_html = _Client(HTTP_HOST=_host).get(_cat_path).content.decode("utf-8", "replace")
_m = _re.search(r'href="([^"]*/catalogue/category/[^"]+)"', _html)
_category = _os.environ.get("CATEGORY_PATH") or (_rel(_m.group(1)) if _m else "")
_m = _re.search(r'href="([^"]*/catalogue/[^"/]+_[0-9]+/)"', _html)
_product = _os.environ.get("PRODUCT_PATH") or (_rel(_m.group(1)) if _m else "")
_q = _os.environ.get("SEARCH_Q")
if not _q:
    _words = _re.findall(r"[A-Za-z]{3,}", _product.rstrip("/").rsplit("/", 1)[-1].replace("-", " ").replace("_", " "))
    _q = _words[0] if _words else "shop"
_pages = ["/trivial/", _cat_path] + [p for p in (_category, _product) if p] + [
    f"{_os.environ.get('SEARCH_PATH', '/search/')}?q={_q}"]

print(f"{'path':<46} {'status':>6} {'first':>6} {'repeat':>6} {'bytes':>8}")
for _p in _pages:
    _r, _first = _get(_p)
    if _p == "/trivial/" and _r.status_code == 404:
        continue
    _r, _repeat = _get(_p)
    print(f"{_p:<46} {_r.status_code:>6} {_first:>6} {_repeat:>6} {len(_r.content):>8}")
