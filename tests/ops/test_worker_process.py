"""Real `celery -A config worker` processes: one refuses to start without a broker outside the
embedded default; one on Redis stops within 30 s of SIGTERM; one killed (SIGKILL) while sending
a shopper's "ready" e-mail leaves it to the next worker, which sends it exactly once."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from apps.notifications import tasks as notification_tasks
from apps.pickup import services
from apps.pickup.models import PickupEvent
from config.celery import app, broker_refusal
from tests.conftest import REQUIRE_SERVICES, needs_postgres
from tests.factories import StoreStaffFactory, pick_all

#: Variables that would point a worker at the developer's services rather than the test's.
SERVICE_VARS = {
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "DJANGO_ENV",
    "CELERY_TASK_ALWAYS_EAGER",
    "REQUIRE_SERVICES",
    "EMAIL_BACKEND",
}


def worker_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", PYTHONUNBUFFERED="1", **extra)
    return env


def start_worker(log: Path, **env) -> subprocess.Popen:
    """A worker as production runs it (prefork), in its own process group."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"ops-test-{os.getpid()}-{time.monotonic_ns()}@%h",
        ],
        cwd=settings.BASE_DIR,
        env=worker_env(**env),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for(condition, seconds=60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def logs(folder: Path) -> str:
    """The workers' logs, for a failure's message."""
    return "\n".join(f"--- {log.name}\n{log.read_text()}" for log in sorted(folder.glob("*.log")))


def needs_redis():
    if not settings.REDIS_URL:
        if REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1 but REDIS_URL is not set")
        pytest.skip("needs Redis: set REDIS_URL=redis://...")


def database_url() -> str:
    """This test run's database (pytest-django's test database), for a worker process."""
    from urllib.parse import quote

    db = connection.settings_dict
    auth = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{db['NAME']}"


# --- no broker, no worker ----------------------------------------------------------------------


def test_a_worker_without_a_broker_refuses_to_start_and_says_what_to_set(tmp_path):
    """No REDIS_URL nor CELERY_BROKER_URL, and tasks not run in-process: the in-memory broker
    would take tasks no web process ever sends it (the other cases: the test below)."""
    log = tmp_path / "worker.log"
    worker = start_worker(log, CELERY_TASK_ALWAYS_EAGER="false")
    try:
        code = worker.wait(timeout=120)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    out = log.read_text()
    assert code != 0, out
    assert "Refusing to start: the broker is memory://" in out
    assert "REDIS_URL" in out and "CELERY_BROKER_URL" in out


def test_only_the_embedded_default_may_start_a_worker_on_the_memory_broker():
    """Nothing set (tasks run in the web process): a worker there has nothing to refuse."""

    def conf(broker, eager):
        return type("Conf", (), {"broker_url": broker, "task_always_eager": eager})()

    assert broker_refusal(conf("memory://", True), environ={}) == ""
    assert broker_refusal(conf("redis://127.0.0.1:6379/0", False), environ={}) == ""
    assert "REDIS_URL" in broker_refusal(conf("memory://", False), environ={})
    assert "REDIS_URL" in broker_refusal(conf("memory://", True), environ={"REQUIRE_SERVICES": "1"})
    assert "REDIS_URL" in broker_refusal(
        conf("memory://", True), environ={"DJANGO_ENV": "production"}
    )


# --- SIGTERM ------------------------------------------------------------------------------------


def test_a_worker_on_redis_stops_within_30_seconds_of_sigterm(tmp_path):
    needs_redis()
    log = tmp_path / "worker.log"
    worker = start_worker(log, REDIS_URL=settings.REDIS_URL, CELERY_TASK_ALWAYS_EAGER="false")
    try:
        assert wait_for(lambda: " ready." in log.read_text() or worker.poll() is not None), (
            log.read_text()
        )
        assert worker.poll() is None, log.read_text()
        sent = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        code = worker.wait(timeout=30)  # the promise: gone within 30 s
        took = time.monotonic() - sent
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    print(f"worker stopped {took:.1f} s after SIGTERM, exit code {code}")
    assert code == 0, log.read_text()
    assert "Warm shutdown" in log.read_text()


# --- SIGKILL in the middle of sending "ready" -----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_sending_ready_leaves_it_to_the_next_which_sends_it_once(
    shop, order, tmp_path
):
    needs_postgres()
    needs_redis()
    outbox, sending, hold = tmp_path / "outbox.jsonl", tmp_path / "sending", tmp_path / "hold"
    hold.touch()  # the first worker's mail server hangs mid-send until this goes
    env = {
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "tests.ops.mail.OutboxBackend",
        "OPS_OUTBOX": str(outbox),
        "OPS_SENDING": str(sending),
        "OPS_HOLD": str(hold),
        # A message taken by a worker that died goes back to the queue after this long.
        "CELERY_VISIBILITY_TIMEOUT": "3",
    }
    staff = StoreStaffFactory(location=shop["leeds"]).user
    services.start_picking(order=order, by=staff)
    pick_all(order, staff)
    app.control.purge()
    first = start_worker(tmp_path / "first.log", **env)
    second = None
    try:
        app.conf.task_always_eager = False
        services.mark_ready(order=order, by=staff)  # commits, then queues the e-mail on Redis
        event = PickupEvent.objects.get(order=order, kind=PickupEvent.Kind.READY)
        assert wait_for(sending.exists, 90), logs(tmp_path)
        os.killpg(first.pid, signal.SIGKILL)  # the worker and its pool, mid-send
        first.wait(timeout=30)
        killed_at = time.monotonic()
        assert not outbox.exists()
        event.refresh_from_db()
        assert event.notified_at is None  # its transaction died with it

        hold.unlink()
        time.sleep(max(0.0, 3.5 - (time.monotonic() - killed_at)))  # past the visibility timeout
        second = start_worker(tmp_path / "second.log", **env)
        assert wait_for(lambda: PickupEvent.objects.get(pk=event.pk).notified_at is not None, 90), (
            logs(tmp_path)
        )
        # The sweeper finds nothing left to send, and a late duplicate finds it sent.
        assert notification_tasks.send_pending_notifications(older_than_minutes=0) == 0
        notification_tasks.notify_shopper.apply(args=[event.pk])
    finally:
        app.conf.task_always_eager = True
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)
    delivered = [json.loads(line) for line in outbox.read_text().splitlines()]
    assert delivered == [
        {
            "to": ["guest@example.com"],
            "subject": f"Your order {order.number} is ready to collect at Omnishop Leeds",
        }
    ]
