#!/usr/bin/env bash
# compare_oscar.sh [SECONDS]: Omnishop against plain Oscar 4.2, side by side on one machine.
#
# Builds plain Oscar with bench/oscar_baseline/setup.sh (its own virtualenv and PostgreSQL
# database), loads the same catalogue shape into both shops (N_PRODUCTS products, default 2,000,
# with a stock record at each of 7 locations), serves both the same way (gunicorn, 2 sync workers,
# DEBUG off, connections kept 60 s; Omnishop with its production settings and Redis, from an
# install of its runtime dependencies only, as its Dockerfile installs it), and runs
# the same wrk load (bench/oscar_baseline/bench.sh: -c8 -t2, SECONDS per page, default 10) on
# each page, Oscar and Omnishop taking turns, ROUNDS rounds (default 2). Then the shopper pages
# (a basket of 3 lines; Omnishop's product page with "my store" chosen) the same way, and the SQL
# queries of every page in both. Prints one table: req/s, p50, p99 and queries for both, and
# the ratio of the mean req/s. Then each shop's worker memory after RSS_REQUESTS requests
# (bench/rss_after.py; 0 skips it) and the server time of a guest's collect checkout from the
# basket to the confirmation, CHECKOUTS times (bench/checkout_time.py). Only ratios from one run
# mean anything: absolute figures swing between machines and minutes.
#
# Env: N_PRODUCTS (2000), ROUNDS (2), SEARCH_Q (lamp), COMPARE_DIR (var/compare),
#   COMPARE_DATABASE (omnishop_compare; dropped and recreated), OSCAR_BASELINE_DB (oscar_baseline;
#   dropped and recreated), COMPARE_REDIS_URL (redis://127.0.0.1:6379/13: a Redis database of the
#   benchmark's own, emptied at the start), OSCAR_PORT (8521), OMNISHOP_PORT (8522), SKIP_SETUP=1
#   (measure the shops already built in COMPARE_DIR), RSS_REQUESTS (10000), CHECKOUTS (30).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECS=${1:-10}
ROUNDS=${ROUNDS:-2}
N=${N_PRODUCTS:-2000}
Q=${SEARCH_Q:-lamp}
WORK=$(mkdir -p "${COMPARE_DIR:-var/compare}" && cd "${COMPARE_DIR:-var/compare}" && pwd)
BASELINE=$ROOT/bench/oscar_baseline
OSCAR_PORT=${OSCAR_PORT:-8521}
OUR_PORT=${OMNISHOP_PORT:-8522}
OSCAR=http://127.0.0.1:$OSCAR_PORT
OURS=http://127.0.0.1:$OUR_PORT
DB=${COMPARE_DATABASE:-omnishop_compare}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}

# Omnishop as it runs in production (README "Deploying"), on its own database and Redis.
export DJANGO_ENV=production DJANGO_SECRET_KEY="compare-oscar-$RANDOM$RANDOM$RANDOM-not-a-real-secret-key"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost DJANGO_SECURE_SSL_REDIRECT=false
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB" DATABASE_CONN_MAX_AGE=60
export REDIS_URL=${COMPARE_REDIS_URL:-redis://127.0.0.1:6379/13}
export CELERY_TASK_ALWAYS_EAGER=true API_ANON_RATE=1000000/minute LOG_LEVEL=WARNING
export MEDIA_ROOT=$WORK/omnishop/media STATIC_ROOT=$WORK/omnishop/static
export SEARCH_INDEX_PATH=$WORK/omnishop/whoosh
step() { echo "[compare] $*" >&2; }

# Omnishop's own virtualenv with what production installs (`pip install .`, no test tools: a
# worker of the project's .venv also imports requests and pygments through DRF, +4 MB).
VENV=$WORK/omnishop-venv
if [ ! -x "$VENV/bin/gunicorn" ] || [ "${SKIP_SETUP:-}" != 1 ]; then
  step "Omnishop: $VENV (pip install -e ., runtime dependencies only)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -e "$ROOT" >&2
fi
PY=$VENV/bin/python

if [ "${SKIP_SETUP:-}" != 1 ]; then
  step "plain Oscar: bench/oscar_baseline/setup.sh ($N products)"
  bash "$BASELINE/setup.sh" "$WORK/oscar" "$N" >&2
  step "Omnishop: database $DB, load_demo --products $N --stores 6"
  psql -qc "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" postgres
  psql -qc "CREATE DATABASE \"$DB\"" postgres
  redis-cli -u "$REDIS_URL" flushdb >/dev/null
  $PY manage.py migrate --noinput -v 0
  $PY manage.py load_demo --products "$N" --stores 6 --no-progress -v 0 >&2
  $PY manage.py collectstatic --noinput -v 0
fi
step "catalogue shapes (products, partners, stock records):"
psql -qAtc "SELECT 'oscar', (SELECT count(*) FROM catalogue_product), (SELECT count(*) FROM partner_partner), (SELECT count(*) FROM partner_stockrecord)" "${OSCAR_BASELINE_DB:-oscar_baseline}" >&2
psql -qAtc "SELECT 'omnishop', (SELECT count(*) FROM catalogue_product), (SELECT count(*) FROM partner_partner), (SELECT count(*) FROM partner_stockrecord)" "$DB" >&2

# --- serve both ------------------------------------------------------------------------------
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
pids+=("$(CONN_MAX_AGE=60 bash "$BASELINE/serve.sh" "$WORK/oscar" "$OSCAR_PORT")")
nocs=""; "$VENV/bin/gunicorn" --help 2>/dev/null | grep -q -- --no-control-socket && nocs=--no-control-socket
# shellcheck disable=SC2086
"$VENV/bin/gunicorn" config.wsgi:application --bind "127.0.0.1:$OUR_PORT" --workers 2 \
  --worker-class sync --timeout 120 $nocs >"$WORK/omnishop-gunicorn.log" 2>&1 &
pids+=("$!")
for _ in $(seq 120); do
  curl -s -o /dev/null --max-time 5 "$OURS/" && break
  sleep 0.5
done

# --- the same pages on both: the first category and product each lists ----------------------
first_link() { curl -s --max-time 120 "$1/catalogue/" | grep -oE "href=\"[^\"]*/catalogue/$2\"" | head -1 | sed -E 's#^href="##; s#"$##; s#^https?://[^/]+##'; }
OCAT=$(first_link "$OSCAR" 'category/[^"]+'); OPROD=$(first_link "$OSCAR" '[^"/]+_[0-9]+/')
PCAT=$(first_link "$OURS" 'category/[^"]+'); PPROD=$(first_link "$OURS" '[^"/]+_[0-9]+/')
step "Oscar: $OCAT $OPROD; Omnishop: $PCAT $PPROD; search: $Q"

shopper() {  # DIR-of-manage.py PYTHON PRODUCT_PATH: cookies and query counts of the shopper pages
  (cd "$1" && PRODUCT_PATH=$3 "$2" manage.py shell -v 0 -c "exec(open('$ROOT/bench/compare_shopper.py').read())")
}
oscar_shopper=$(shopper "$WORK/oscar/project" "$WORK/oscar/venv/bin/python" "$OPROD")
our_shopper=$(shopper "$ROOT" "$PY" "$PPROD")
value() { grep "^$1=" <<<"$2" | head -1 | cut -d= -f2-; }
O_BASKET=$(value BASKET_COOKIE "$oscar_shopper"); P_BASKET=$(value BASKET_COOKIE "$our_shopper")
P_STORE=$(value STORE_COOKIE "$our_shopper")

# Every page once on both sides (thumbnails drawn, caches filled) before measuring.
for url in "$OSCAR/catalogue/" "$OSCAR$OCAT" "$OSCAR$OPROD" "$OSCAR/search/?q=$Q" \
  "$OURS/catalogue/" "$OURS$PCAT" "$OURS$PPROD" "$OURS/search/?q=$Q"; do
  curl -s -o /dev/null --max-time 120 "$url"
done

wrk_page() {  # URL [COOKIE]: "req/s p50 p99 status" of SECS seconds of wrk after a 2 s warm-up
  local out; out=$(mktemp)
  local header=(); [ -n "${2:-}" ] && header=(-H "Cookie: $2")
  wrk -c8 -t2 -d2s --timeout 60s "${header[@]}" "$1" >/dev/null 2>&1
  wrk -c8 -t2 -d"${SECS}s" --timeout 60s --latency "${header[@]}" "$1" >"$out" 2>&1
  local code; code=$(curl -s -o /dev/null -w '%{http_code}' ${2:+-H "Cookie: $2"} "$1")
  echo "$(awk '/^Requests\/sec:/{print $2}' "$out") $(awk '$1=="50%"{print $2}' "$out") $(awk '$1=="99%"{print $2}' "$out") $code $(awk '/Non-2xx/{n=$NF} END{print n+0}' "$out")"
  rm -f "$out"
}

command -v wrk >/dev/null || bash "$BASELINE/bench.sh" http://127.0.0.1:1 1 >/dev/null 2>&1 || true
declare -A rate
names=(catalogue category product "product, my store" search "basket, 3 lines")
o_urls=("$OSCAR/catalogue/" "$OSCAR$OCAT" "$OSCAR$OPROD" "$OSCAR$OPROD" "$OSCAR/search/?q=$Q" "$OSCAR/basket/")
p_urls=("$OURS/catalogue/" "$OURS$PCAT" "$OURS$PPROD" "$OURS$PPROD" "$OURS/search/?q=$Q" "$OURS/basket/")
o_cookies=("" "" "" "" "" "$O_BASKET")
p_cookies=("" "" "" "$P_STORE" "" "$P_BASKET")
for r in $(seq "$ROUNDS"); do
  for i in "${!names[@]}"; do
    step "round $r: ${names[$i]}"
    rate[o,$r,$i]=$(wrk_page "${o_urls[$i]}" "${o_cookies[$i]}")
    rate[p,$r,$i]=$(wrk_page "${p_urls[$i]}" "${p_cookies[$i]}")
  done
done

# --- queries per page ------------------------------------------------------------------------
count() { (cd "$1" && CATEGORY_PATH=$3 PRODUCT_PATH=$4 SEARCH_Q=$Q COUNT_HOST=127.0.0.1 \
  "$2" manage.py shell -v 0 -c "exec(open('$ROOT/bench/oscar_baseline/count_queries.py').read())"); }
oq=$(count "$WORK/oscar/project" "$WORK/oscar/venv/bin/python" "$OCAT" "$OPROD")
pq=$(count "$ROOT" "$PY" "$PCAT" "$PPROD")
repeat() { awk -v p="$2" '$1==p{print $4}' <<<"$1"; }
shopper_q() { grep "^QUERIES $2 " <<<"$1" | awk '{print $NF}'; }
o_q=("$(repeat "$oq" /catalogue/)" "$(repeat "$oq" "$OCAT")" "$(repeat "$oq" "$OPROD")" "$(repeat "$oq" "$OPROD")" "$(repeat "$oq" "/search/?q=$Q")" "$(shopper_q "$oscar_shopper" basket)")
p_q=("$(repeat "$pq" /catalogue/)" "$(repeat "$pq" "$PCAT")" "$(repeat "$pq" "$PPROD")" "$(shopper_q "$our_shopper" product+store)" "$(repeat "$pq" "/search/?q=$Q")" "$(shopper_q "$our_shopper" basket)")

echo "# Omnishop against plain Oscar 4.2: $(date -u +%F), $(nproc) cores, $N products x 7 locations,"
echo "# gunicorn 2 sync workers each, wrk -c8 -t2 ${SECS}s a page, $ROUNDS rounds taking turns"
printf '%-18s %10s %10s %8s %8s %8s %8s %8s %8s %7s %7s\n' page "oscar r/s" "ours r/s" ratio \
  "o p50" "ours p50" "o p99" "ours p99" status "o qry" "ours q"
for i in "${!names[@]}"; do
  awk -v name="${names[$i]}" -v oq="${o_q[$i]}" -v pq="${p_q[$i]}" -v rounds="$ROUNDS" '
    { o += $1; p += $6; bad += $5 + $10
      if (NR == 1) { op50 = $2; pp50 = $7; op99 = $3; pp99 = $8; st = $4 "/" $9 } }
    END { printf "%-18s %10.1f %10.1f %7.2fx %8s %8s %8s %8s %8s %7s %7s\n", name, o / rounds, p / rounds,
          (o > 0 ? p / o : 0), op50, pp50, op99, pp99, st (bad ? " NON-2XX:" bad : ""), oq, pq }' \
    < <(for r in $(seq "$ROUNDS"); do echo "${rate[o,$r,$i]} ${rate[p,$r,$i]}"; done)
done
echo "# p50/p99 and status from round 1 (status: Oscar/Omnishop); queries: a repeat request in one process"

# --- memory after RSS_REQUESTS requests (default 10,000), then a guest's collect checkout ------
if [ "${RSS_REQUESTS:-10000}" != 0 ]; then
  step "memory: ${RSS_REQUESTS:-10000} requests on each shop (products, listings, search, basket)"
  o_rss=$(python3 bench/rss_after.py "$OSCAR" "${RSS_REQUESTS:-10000}" "${pids[0]}" /catalogue/ "$OCAT" "/search/?q=$Q" "/basket/|$O_BASKET")
  p_rss=$(python3 bench/rss_after.py "$OURS" "${RSS_REQUESTS:-10000}" "${pids[1]}" /catalogue/ "$PCAT" "/search/?q=$Q" "/basket/|$P_BASKET")
  o_max=$(grep -oE 'max=[0-9.]+' <<<"$o_rss" | cut -d= -f2); p_max=$(grep -oE 'max=[0-9.]+' <<<"$p_rss" | cut -d= -f2)
  echo "# worker memory (MB) after ${RSS_REQUESTS:-10000} requests: Oscar $o_rss; Omnishop $p_rss; ratio of the largest $(awk -v o="$o_max" -v p="$p_max" 'BEGIN{printf "%.2fx", p / o}')"
fi
step "a guest's click-and-collect checkout, ${CHECKOUTS:-30} times, one shopper at a time"
echo "# guest collect checkout, basket to confirmation (Omnishop): $($PY bench/checkout_time.py "$OURS" "${CHECKOUTS:-30}")"
