#!/usr/bin/env bash
# Lighthouse (npm, pinned: 12.2.3 is the newest that runs on Node 20) on Debian's Chromium, mobile
# preset, against the shop under production settings (DEBUG off, gunicorn, whitenoise) with the
# demo data: home, a category, a product and a basket with one item, for a shopper who chose a
# store. Prints each page's median of 3 runs for performance, accessibility, best practices and
# SEO, and its median LCP. Asserts nothing. Reports: bench/out/lighthouse/ (ignored).
#
#   LIGHTHOUSE_RUNS  runs per page (default 3)   LIGHTHOUSE_PORT  (default 8766)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
runs=${LIGHTHOUSE_RUNS:-3}
port=${LIGHTHOUSE_PORT:-8766}
out=$PWD/bench/out/lighthouse
work=$PWD/var/lighthouse
rm -rf "$work" "$out" && mkdir -p "$work" "$out"

make -s install browser >/dev/null
lighthouse=$work/../lighthouse-npm/node_modules/.bin/lighthouse
if [ ! -x "$lighthouse" ]; then
  mkdir -p "$work/../lighthouse-npm"
  npm install --silent --no-audit --no-fund -E --prefix "$work/../lighthouse-npm" lighthouse@12.2.3 >/dev/null
fi

export DATABASE_URL="sqlite:///$work/db.sqlite3"
export DJANGO_ENV=production DJANGO_SECRET_KEY="lighthouse-run-$RANDOM-$RANDOM-$RANDOM-$RANDOM-secret"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost DJANGO_SECURE_SSL_REDIRECT=false
export CELERY_TASK_ALWAYS_EAGER=true LOG_LEVEL=WARNING REDIS_URL= SERVE_MEDIA=true
export MEDIA_ROOT="$work/media" STATIC_ROOT="$work/static" SEARCH_INDEX_PATH="$work/whoosh"
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend

$PY manage.py migrate --noinput -v 0
$PY manage.py load_demo --no-progress >/dev/null
$PY manage.py collectstatic --noinput -v 0
.venv/bin/gunicorn config.wsgi:application --bind "127.0.0.1:$port" --workers 2 \
  --error-logfile "$work/server.log" --capture-output &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT

# The pages, and a shopper's cookies (my store chosen, one item in the basket).
DJANGO_SETTINGS_MODULE=config.settings $PY - "$work/pages.json" <<'PYTHON'
import json, sys

import django

django.setup()
from django.test import Client
from oscar.core.loading import get_model

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
product = Product.objects.filter(stockrecords__num_in_stock__gt=5).order_by("pk").first()
category = product.categories.first() or Category.objects.first()
# A session in the shop's database, made as over HTTPS (the cookies are Secure in production).
shopper = Client(HTTP_HOST="127.0.0.1")
shopper.post("/stores/leeds/choose/", secure=True)
shopper.post(f"/basket/add/{product.pk}/", {"quantity": 1}, secure=True)
pages = {
    "home": "/",
    "category": category.get_absolute_url(),
    "product": product.get_absolute_url(),
    "basket": "/basket/",
}
cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in shopper.cookies.items())
json.dump({"pages": pages, "cookie": cookie}, open(sys.argv[1], "w"))
PYTHON

for _ in $(seq 60); do curl -sf -o /dev/null "http://127.0.0.1:$port/" && break; sleep 1; done
export CHROME_PATH=$(command -v chromium)
cookie=$($PY -c "import json,sys; print(json.dumps({'Cookie': json.load(open(sys.argv[1]))['cookie']}))" "$work/pages.json")
for page in home category product basket; do
  path=$($PY -c "import json,sys; print(json.load(open(sys.argv[1]))['pages'][sys.argv[2]])" "$work/pages.json" "$page")
  for run in $(seq 1 "$runs"); do
    for try in 1 2; do  # Chromium now and then loses a trace (NO_NAVSTART): once more
      "$lighthouse" "http://127.0.0.1:$port$path" --quiet --output=json \
        --output-path="$out/$page-$run.json" \
        --only-categories=performance,accessibility,best-practices,seo \
        --extra-headers="$cookie" \
        --chrome-flags="--headless=new --no-sandbox --disable-gpu" >/dev/null 2>&1 \
        || echo "lighthouse failed on $page (run $run)" >&2
      grep -q '"runtimeError"' "$out/$page-$run.json" 2>/dev/null || break
    done
  done
done

$PY - "$out" "$runs" <<'PYTHON'
import json, statistics, sys
from pathlib import Path

out, runs = Path(sys.argv[1]), int(sys.argv[2])
keys = ["performance", "accessibility", "best-practices", "seo"]
print(f"Lighthouse 12.2.3, mobile preset, median of {runs} runs")
print(f"{'page':10}{'perf':>6}{'a11y':>6}{'bp':>6}{'seo':>6}{'LCP s':>8}{'TBT ms':>8}{'CLS':>7}{'runs':>6}")
for page in ("home", "category", "product", "basket"):
    reports = [json.loads(p.read_text()) for p in sorted(out.glob(f"{page}-*.json"))]
    reports = [r for r in reports if "runtimeError" not in r]
    if not reports:
        print(f"{page:10} no report")
        continue
    med = lambda f: statistics.median(f(r) for r in reports)
    scores = [round(med(lambda r: r["categories"][k]["score"] or 0) * 100) for k in keys]
    audit = lambda name: med(lambda r: r["audits"][name]["numericValue"])
    print(
        f"{page:10}" + "".join(f"{s:6d}" for s in scores)
        + f"{audit('largest-contentful-paint') / 1000:8.1f}"
        + f"{audit('total-blocking-time'):8.0f}{audit('cumulative-layout-shift'):7.2f}"
        + f"{len(reports):6d}"
    )
PYTHON
