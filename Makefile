# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1:8000

.PHONY: run test install lint browser haproxy serve worker clean screenshots manage api-contract

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

## run: install, migrate, load the demo shop, collect static files, serve at http://127.0.0.1:8000
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --orders
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py runserver $(HOST)

## browser: Debian's Chromium for the Playwright tests (never a downloaded browser)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: run 'sudo apt-get install -y chromium'"; exit 1; fi; }

## haproxy: Debian's haproxy, the load balancer the two-process test (tests/scale/) puts in
## front of two gunicorn processes
haproxy:
	@command -v haproxy >/dev/null 2>&1 || test -x /usr/sbin/haproxy || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null; \
	  else echo "haproxy is missing: run 'sudo apt-get install -y haproxy'"; exit 1; fi; }

## lint: style (ruff) and the shape of the code (import-linter contracts in pyproject.toml)
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

## test: install what the tests need, lint, run the whole suite (one test process per core:
## TEST_PROCESSES=1 for one)
TEST_PROCESSES ?= auto
test: install browser haproxy lint
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n $(TEST_PROCESSES) $(PYTEST_ARGS)

## screenshots: refresh docs/screenshots: every storefront page on a phone and on a desktop
## (tests/e2e/screenshots.py), the store tools on a tablet (tests/e2e/console_screenshots.py),
## and the README's pictures the browser journeys take
screenshots: install browser
	SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(VENV)/bin/pytest -q -p no:cacheprovider tests/e2e/screenshots.py tests/e2e/console_screenshots.py
	SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(VENV)/bin/pytest -q -p no:cacheprovider tests/e2e

## api-contract: the API against its OpenAPI schema (Schemathesis, every check, a live server;
## CONTRACT_MAX_TIME seconds, default 300). .ci/run runs it after the tests.
api-contract: install
	.ci/api-contract

## manage: a management command with the project's virtualenv, e.g. make manage CMD="check_stock_ledger"
manage: install
	$(PY) manage.py $(CMD)

## serve: production-shaped serving (gunicorn + whitenoise)
serve: install
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/gunicorn config.wsgi:application --bind $(HOST) --workers 2

worker: install
	$(VENV)/bin/celery -A config worker --beat --scheduler django_celery_beat.schedulers:DatabaseScheduler --loglevel INFO

clean:
	rm -rf $(VENV) var
