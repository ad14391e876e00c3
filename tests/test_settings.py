"""Settings come from the environment: embedded default with nothing set, services when set."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'name': str(s.DATABASES['default']['NAME']), "
    "'cache': s.CACHES['default']['BACKEND'], 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
    "'broker': s.CELERY_BROKER_URL, 'email': s.EMAIL_BACKEND, 'debug': s.DEBUG}))"
)
SERVICE_VARS = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests, refused by check --deploy
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_ENV",
    "CELERY_BROKER_URL",
    "EMAIL_BACKEND",
    "CELERY_TASK_ALWAYS_EAGER",
}


def probe(**env):
    clean = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=clean,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_nothing_set_means_the_embedded_default():
    found = probe()
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["cache"].endswith("LocMemCache")
    assert found["eager"] is True
    assert found["email"].endswith("console.EmailBackend")
    assert found["debug"] is True


def test_database_and_redis_urls_switch_to_postgres_and_a_real_broker():
    found = probe(
        DATABASE_URL="postgres://shop:pw@db.internal:5432/omnishop",
        REDIS_URL="redis://cache.internal:6379/0",
    )
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["name"] == "omnishop"
    assert found["cache"].endswith("RedisCache")
    assert found["eager"] is False
    assert found["broker"] == "redis://cache.internal:6379/0"


def test_production_mode_passes_check_deploy():
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
    env.update(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="x7!pQz2#mN9vR4@kL8wT1yU6sH3jF0dG5bC-aE_iO+nP=rV$qZ",
        DJANGO_ALLOWED_HOSTS="shop.example.com",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def production_check(**settings_env):
    """``manage.py check`` in production mode with these variables (and no others of ours)."""
    names = SERVICE_VARS | {"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"}
    env = {k: v for k, v in os.environ.items() if k not in names}
    env.update(DJANGO_ENV="production", **settings_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


GOOD_KEY = "x7!pQz2#mN9vR4@kL8wT1yU6sH3jF0dG5bC-aE_iO+nP=rV$qZ"


@pytest.mark.parametrize("key", [None, "", "   ", "short-key", "dev-only-not-secret-omnishop"])
def test_production_refuses_to_start_without_a_real_secret_key(key):
    extra = {} if key is None else {"DJANGO_SECRET_KEY": key}
    result = production_check(DJANGO_ALLOWED_HOSTS="shop.example.com", **extra)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set in production" in result.stderr


@pytest.mark.parametrize("hosts", [None, "", " , "])
def test_production_refuses_to_start_without_allowed_hosts(hosts):
    extra = {} if hosts is None else {"DJANGO_ALLOWED_HOSTS": hosts}
    result = production_check(DJANGO_SECRET_KEY=GOOD_KEY, **extra)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set in production" in result.stderr


def test_production_starts_with_a_key_and_hosts():
    result = production_check(DJANGO_SECRET_KEY=GOOD_KEY, DJANGO_ALLOWED_HOSTS="shop.example.com")
    assert result.returncode == 0, result.stderr


def test_migrations_are_complete():
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
