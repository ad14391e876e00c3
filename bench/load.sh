#!/usr/bin/env bash
# bench/load.sh: a shop day under load (Locust, bench/locustfile.py) against the shop as production
# runs it, then the rules that must hold after it. Prints requests/s, p50/p95/p99 per endpoint and
# every error; exits non-zero on any request error, any oversold stock record or any ledger drift.
#
# It sets up everything it uses and stops every process it started (by PID) on exit:
#   - its own PostgreSQL database (LOAD_DATABASE_URL, default
#     postgres://postgres@127.0.0.1:5432/omnishop_load: dropped and created anew) and its own
#     Redis database (LOAD_REDIS_URL, default redis://127.0.0.1:6379/10: emptied first);
#   - the demo shop (load_demo --orders, LOAD_PRODUCTS products, default 500), every product's
#     stock at every location set to LOAD_STOCK units (default 1000) by a stock feed
#     (import_stock), so that the run does not sell out;
#   - gunicorn with production settings (LOAD_WORKERS sync workers, default 2 per core) and a
#     Celery worker (the shoppers' e-mails go through Redis as in production);
#   - Locust 2.47.0 (installed on first use into var/load/locust-venv, apart from the shop's
#     .venv), headless, LOAD_USERS users (default 20) started LOAD_SPAWN_RATE a second (default 5)
#     for LOAD_SECONDS seconds (default 60), its CSV files in var/load/.
#
# Then: check_stock_ledger (every record equals its ledger), the oversell check (no stock record
# with allocated above on hand or below zero, no record promising other than its open order lines
# do), the orders placed in each channel and state.
#
# Env: LOAD_SECONDS (60), LOAD_USERS (20), LOAD_SPAWN_RATE (5), LOAD_PRODUCTS (500), LOAD_STOCK
#   (1000), LOAD_WORKERS (2 x cores), LOAD_PORT (8741), LOAD_DATABASE_URL, LOAD_REDIS_URL,
#   LOCUST_VENV (var/load/locust-venv),
#   SKIP_SETUP=1 (keep the database of the last run: no drop, no demo load, no stock feed),
#   LOAD_COMMIT (serve that commit, e.g. HEAD, from a copy in var/load/src made with git archive,
#   instead of the working tree: a tree others are changing meanwhile stays out of the figures).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
SECONDS_=${LOAD_SECONDS:-60}
USERS=${LOAD_USERS:-20}
RATE=${LOAD_SPAWN_RATE:-5}
PRODUCTS=${LOAD_PRODUCTS:-500}
STOCK=${LOAD_STOCK:-1000}
WORKERS=${LOAD_WORKERS:-$(($(nproc) * 2))}
PORT=${LOAD_PORT:-8741}
DB_URL=${LOAD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/omnishop_load}
REDIS=${LOAD_REDIS_URL:-redis://127.0.0.1:6379/10}
WORK=$ROOT/var/load
BASE=http://127.0.0.1:$PORT
step() { echo "[load $(date -u +%T)] $*" >&2; }

# Locust in a virtualenv of its own: it brings brotli (through geventhttpclient), and with brotli
# installed whitenoise's collectstatic compresses every file with Brotli too (20 times slower).
LOCUST_VENV=${LOCUST_VENV:-$WORK/locust-venv}
mkdir -p "$WORK"
if [ ! -x "$LOCUST_VENV/bin/locust" ]; then
  step "Locust 2.47.0 into $LOCUST_VENV"
  python3 -m venv "$LOCUST_VENV"
  "$LOCUST_VENV/bin/pip" install --quiet --disable-pip-version-check 'locust==2.47.0' \
    >"$WORK/locust-install.log" 2>&1 || { cat "$WORK/locust-install.log"; exit 1; }
fi

# The shop as production runs it (README "Deploying"), on this run's own database and Redis.
export DJANGO_ENV=production DJANGO_SECRET_KEY="load-run-$RANDOM-$RANDOM-$RANDOM-$RANDOM-not-a-secret"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost DJANGO_SECURE_SSL_REDIRECT=false
export DATABASE_URL=$DB_URL DATABASE_CONN_MAX_AGE=60 REDIS_URL=$REDIS CELERY_TASK_ALWAYS_EAGER=false
export API_ANON_RATE=1000000/minute LOG_LEVEL=WARNING
export MEDIA_ROOT=$WORK/media STATIC_ROOT=$WORK/static SEARCH_INDEX_PATH=$WORK/whoosh
export CELERY_BEAT_SCHEDULE_FILENAME=$WORK/celerybeat-schedule
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
export SMS_BACKEND=apps.notifications.sms.LocmemBackend
mkdir -p "$WORK"
if [ -n "${LOAD_COMMIT:-}" ]; then
  rm -rf "$WORK/src" && mkdir -p "$WORK/src"
  git archive "$LOAD_COMMIT" | tar -x -C "$WORK/src"
  step "serving commit $(git rev-parse --short "$LOAD_COMMIT") (a copy in var/load/src)"
  cd "$WORK/src"  # Python finds the copy's apps and config before the project's own
fi
sql() { psql "$DB_URL" -qAt "$@"; }

step "machine: $(nproc) cores; load before the run:$(uptime | sed 's/.*load average//')"
rm -f "$WORK"/locust_* "$WORK"/*.log
if [ "${SKIP_SETUP:-}" != 1 ]; then
  step "database ${DB_URL##*/} (new), Redis ${REDIS##*/} (emptied)"
  psql "${DB_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS \"${DB_URL##*/}\" WITH (FORCE)" \
    -c "CREATE DATABASE \"${DB_URL##*/}\""
  redis-cli -u "$REDIS" flushdb >/dev/null
  rm -rf "$WORK/media" "$WORK/whoosh"
fi
step "migrate"
"$PY" manage.py migrate --noinput -v 0
if [ "${SKIP_SETUP:-}" != 1 ]; then
  step "demo shop: $PRODUCTS products, the morning's orders"
  "$PY" manage.py load_demo --products "$PRODUCTS" --orders --no-progress >/dev/null
  step "stock: $STOCK units of every product at every location (a stock feed, through the ledger)"
  {
    echo "location,sku,on_hand"
    sql -F, -c "SELECT l.code, p.upc, $STOCK FROM stores_location l CROSS JOIN catalogue_product p
                WHERE p.upc IS NOT NULL AND p.upc <> '' AND p.structure <> 'parent' ORDER BY 1, 2"
  } >"$WORK/stock.csv"
  "$PY" manage.py import_stock "$WORK/stock.csv" --no-progress >/dev/null
  step "collectstatic"
  "$PY" manage.py collectstatic --noinput -v 0
fi
token() { "$PY" manage.py drf_create_token "$1" | awk '{print $3}'; }
export LOAD_SHOPPER_TOKEN LOAD_LONDON_TOKEN LOAD_MANCHESTER_TOKEN
LOAD_SHOPPER_TOKEN=$(token shopper@omnishop.example)
LOAD_LONDON_TOKEN=$(token staff.london@omnishop.example)
LOAD_MANCHESTER_TOKEN=$(token staff.manchester@omnishop.example)
orders_before=$(sql -c "SELECT count(*) FROM order_order")

pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT
step "gunicorn: $WORKERS sync workers on $BASE; a Celery worker"
"$ROOT/.venv/bin/gunicorn" config.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --worker-class sync --timeout 120 --error-logfile "$WORK/gunicorn.log" --capture-output &
pids+=("$!")
"$ROOT/.venv/bin/celery" -A config worker --concurrency 1 --loglevel WARNING --without-gossip \
  --without-mingle >"$WORK/celery.log" 2>&1 &
pids+=("$!")
for _ in $(seq 120); do
  curl -s -o /dev/null --max-time 5 "$BASE/" && break
  sleep 0.5
done

step "Locust: $USERS users, $RATE a second, ${SECONDS_} s"
locust_status=0
"$LOCUST_VENV/bin/locust" -f "$ROOT/bench/locustfile.py" --headless --host "$BASE" \
  --users "$USERS" --spawn-rate "$RATE" --run-time "${SECONDS_}s" --stop-timeout 15 \
  --csv "$WORK/locust" --only-summary --loglevel WARNING >"$WORK/locust.log" 2>&1 || locust_status=$?
step "load after the run:$(uptime | sed 's/.*load average//')"

# --- the rules after the day -------------------------------------------------------------------
ledger_status=0
"$PY" manage.py check_stock_ledger >"$WORK/ledger.txt" 2>&1 || ledger_status=$?
drift=$(grep -c '^DRIFT' "$WORK/ledger.txt" || true)
# Oversold: a record promising more than it holds, or below zero (the table's constraints refuse
# it; counted here all the same), or promising other than what its orders' lines still hold.
oversold=$(sql -c "SELECT count(*) FROM partner_stockrecord
                   WHERE num_allocated > num_in_stock OR num_in_stock < 0 OR num_allocated < 0")
promised=$(sql -c "SELECT count(*) FROM partner_stockrecord s
                   LEFT JOIN (SELECT stockrecord_id, sum(num_allocated) AS units FROM order_line
                              GROUP BY stockrecord_id) l ON l.stockrecord_id = s.id
                   WHERE s.num_allocated <> coalesce(l.units, 0)")
orders=$(sql -F' ' -c "SELECT channel, status, count(*) FROM order_order
                       GROUP BY 1, 2 ORDER BY 1, 2" | awk '{c=$NF; $NF=""; printf "%s%s: %s", sep, $0, c; sep="; "}')
placed=$(($(sql -c "SELECT count(*) FROM order_order") - orders_before))
server_errors=$(grep -cE '^Internal Server Error:|WORKER TIMEOUT' "$WORK/gunicorn.log" || true)

echo "# bench/load.sh: $(date -u '+%F %H:%M') UTC, $(nproc) cores, gunicorn $WORKERS sync workers + 1 Celery worker,"
echo "# $USERS Locust users ($RATE/s), ${SECONDS_} s, $PRODUCTS products x $(sql -c "SELECT count(*) FROM stores_location") locations"
"$PY" - "$WORK/locust_stats.csv" "$WORK/locust_failures.csv" <<'EOF'
import csv, sys

rows = list(csv.DictReader(open(sys.argv[1])))
print(f"{'endpoint':34} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}")
for row in rows:
    name = "all requests" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
    print(
        f"{name[:34]:34} {row['Request Count']:>8} {row['Failure Count']:>6} "
        f"{float(row['Requests/s']):7.1f} {row['50%']:>7} {row['95%']:>7} {row['99%']:>7} "
        f"{float(row['Max Response Time']):7.0f}"
    )
failures = list(csv.DictReader(open(sys.argv[2])))
for row in failures:
    print(f"ERROR {row['Occurrences']}x {row['Method']} {row['Name']}: {row['Error']}")
EOF
echo "orders placed during the run: $placed; all orders by channel and state: $orders"
echo "ledger drift: $drift record(s); oversold: $oversold record(s); records promising other than their orders' lines: $promised"
echo "server errors in gunicorn's log: $server_errors (log: var/load/gunicorn.log)"

status=0
[ "$locust_status" = 0 ] || { echo "FAIL: Locust saw errors (exit $locust_status; var/load/locust.log)"; status=1; }
[ "$ledger_status" = 0 ] && [ "$drift" = 0 ] || { echo "FAIL: check_stock_ledger:"; cat "$WORK/ledger.txt"; status=1; }
[ "$oversold" = 0 ] && [ "$promised" = 0 ] || { echo "FAIL: oversold stock"; status=1; }
[ "$server_errors" = 0 ] || { echo "FAIL: server errors"; status=1; }
[ "$status" = 0 ] && echo "OK: 0 errors, 0 oversold, 0 ledger drift"
exit $status
