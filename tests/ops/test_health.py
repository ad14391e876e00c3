"""/health/ answers a load balancer and monitoring: 200 when the database, cache, broker,
migrations and a worker's heartbeat are fine, 500 naming what is not; /health/live answers
200 whenever the process is up, even with the database or Redis gone."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.utils import timezone

from apps.ops.models import Heartbeat
from config.celery import app

#: Nothing listens on port 1: every connection to it is refused.
DEAD_REDIS = "redis://127.0.0.1:1/7"

pytestmark = pytest.mark.django_db


def health(client, path="/health/", **headers):
    """GET a health URL (JSON unless told otherwise) in a thread of its own, on this test's
    database connection: the browser tests' Playwright leaves an event loop running in a test
    process's main thread for the rest of its run, and the async health view cannot be driven
    from a thread with a running loop (a web server's threads have none)."""
    headers.setdefault("HTTP_ACCEPT", "application/json")
    connection = connections["default"]
    connection.inc_thread_sharing()

    def get():
        connections["default"] = connection
        return client.get(path, **headers)

    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(get).result()
    finally:
        connection.dec_thread_sharing()


@pytest.fixture
def database_named_nothing():
    """New connections (the checks open their own) go to a database that does not exist."""
    conf = connections.settings["default"]
    before = conf["NAME"]
    missing = "omnishop_ops_no_such_database"
    conf["NAME"] = missing if conf["ENGINE"].endswith("postgresql") else "/nonexistent/x.sqlite3"
    yield
    conf["NAME"] = before


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FailSoftRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    before = app.conf.broker_url
    app.conf.broker_url = DEAD_REDIS
    yield
    app.conf.broker_url = before


@pytest.fixture
def real_worker_expected():
    """Tasks go to a broker (not run in the web process): a worker must be beating."""
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


def test_a_healthy_shop_answers_200_with_every_check_in_json(client):
    response = health(client)
    assert response.status_code == 200, response.content
    checks = response.json()
    assert set(checks.values()) == {"OK"}
    names = " ".join(checks)
    for check in ("Database", "Cache", "Broker", "Migrations", "WorkerHeartbeat"):
        assert check in names


def test_the_database_pointing_at_nothing_is_unhealthy_while_live_answers(
    client, database_named_nothing
):
    response = health(client)
    assert response.status_code == 500
    failing = {name for name, state in response.json().items() if state != "OK"}
    assert any(name.startswith("Database") for name in failing)
    live = health(client, "/health/live")
    assert live.status_code == 200
    assert live.json() == {"status": "ok"}


def test_redis_unreachable_is_unhealthy_while_live_answers(client, redis_down):
    response = health(client)
    assert response.status_code == 500
    failing = {name.split("(")[0] for name, state in response.json().items() if state != "OK"}
    assert failing == {"Cache", "Broker"}
    assert health(client, "/health/live").status_code == 200


@pytest.mark.django_db(transaction=True)  # the checks read the heartbeat on their own connections
def test_a_worker_that_stopped_beating_is_unhealthy(client, real_worker_expected):
    assert health(client).json()["WorkerHeartbeat()"] == (
        "Unavailable: no worker has run the heartbeat task yet"
    )
    Heartbeat.objects.create(worker="celery@a", beat_at=timezone.now() - dt.timedelta(minutes=10))
    response = health(client)
    assert response.status_code == 500
    assert response.json()["WorkerHeartbeat()"].startswith("Unavailable: last worker heartbeat 6")
    from apps.ops.tasks import heartbeat

    heartbeat.apply()  # what beat queues every minute, run here
    assert health(client).status_code == 200


def test_with_tasks_run_in_process_there_is_no_worker_to_wait_for(client):
    assert not Heartbeat.objects.exists()
    assert health(client).json()["WorkerHeartbeat()"] == "OK"


def test_a_balancer_probing_by_address_over_http_gets_an_answer(client, settings):
    """Probes come with the server's address as Host and over plain HTTP: neither the host
    check nor the HTTPS redirect stands in their way; other pages keep both."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^health/"]
    probe = {"HTTP_HOST": "10.0.3.7:8000"}
    assert health(client, "/health/live", **probe).status_code == 200
    assert health(client, "/health/", **probe).status_code == 200
    assert client.get("/", HTTP_HOST="10.0.3.7:8000").status_code == 400  # DisallowedHost
    assert client.get("/health/live").status_code == 200
    assert client.get("/").status_code == 301  # to https


def test_a_browser_gets_a_page_and_plain_text_is_offered(client):
    page = health(client, HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    assert b"Database" in page.content
    text = health(client, HTTP_ACCEPT="text/plain")
    assert "Migrations(): OK" in text.content.decode()
