"""Real web processes for the scale tests: gunicorn serving this test's own PostgreSQL
database (committed rows, ``django_db(transaction=True)``), the shared Redis, and haproxy in
front of them. Each is started here and stopped by its PID."""

import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import REQUIRE_SERVICES

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def needs_redis():
    if not settings.REDIS_URL:
        if REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1 but REDIS_URL is not set")
        pytest.skip("needs Redis (the shared cache and sessions): set REDIS_URL=redis://...")


def needs_haproxy() -> str:
    found = shutil.which("haproxy") or next(
        (p for p in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy") if Path(p).exists()), None
    )
    if found is None:
        if REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1 but haproxy is missing: make test installs it as root")
        pytest.skip("needs haproxy: apt-get install haproxy")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    """This test's database (pytest-django's), for the web processes."""
    db = connection.settings_dict
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


#: One secret key for every web process of a test run: it signs the basket cookie, sessions
#: and CSRF tokens, which another process must be able to read.
SECRET_KEY = f"scale-test-{secrets.token_urlsafe(32)}"


def web_env(work: Path, **extra) -> dict:
    """The shop's settings for a web process: DEBUG off, the shared services of this test run,
    e-mails kept in memory, tasks run in the request (no worker in these tests)."""
    (work / "static").mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_CONN_MAX_AGE": "0",  # nothing left connected to the test database
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "SMS_BACKEND": "apps.notifications.sms.LocmemBackend",
        "MEDIA_ROOT": str(work / "media"),
        "STATIC_ROOT": str(work / "static"),
        "SEARCH_INDEX_PATH": str(work / "whoosh"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        **extra,
    }
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL  # the tests' Redis database, this test's keys
    return env


class Process:
    """A process started by a test, stopped by its PID (its log kept for a failure report)."""

    def __init__(self, name: str, args: list[str], env: dict, log: Path):
        self.name, self.log = name, log
        self.handle = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
        )

    @property
    def pid(self) -> int:
        return self.handle.pid

    def stop(self):
        """Stop it by its PID; its last log lines go to the test's output (shown on a failure)."""
        print(f"--- {self.name} (pid {self.pid}), last lines of its log:\n{self.tail()}")
        if self.handle.poll() is None:
            os.kill(self.handle.pid, signal.SIGTERM)
            try:
                self.handle.wait(15)
            except subprocess.TimeoutExpired:
                os.kill(self.handle.pid, signal.SIGKILL)
                self.handle.wait(5)

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])


def gunicorn(name: str, port: int, env: dict, work: Path, *, wait: bool = True) -> Process:
    """One gunicorn master with one worker on ``port``, answering when this returns (unless
    ``wait`` is false: then call ``answering``). The worker has a few threads, so that
    haproxy's probes of /health/live are answered while a slow request is in hand."""
    args = [GUNICORN, "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    args += ["--workers", "1", "--threads", "4", "--timeout", "120", "--log-level", "warning"]
    process = Process(name, args, env, work / f"{name}.log")
    process.port = port
    if wait:
        answering(process)
    return process


def answering(process: Process):
    wait_for(f"http://127.0.0.1:{process.port}/favicon.ico", process)


def haproxy(binary: str, port: int, servers: dict[str, int], work: Path) -> Process:
    """haproxy with the shop's own configuration (deploy/haproxy.cfg: round robin, probes on
    /health/live, the answering server named in ``X-Served-By``), listening on ``port`` and
    balancing over ``servers`` (name: port) on this machine. Its configuration is written in
    ``work``."""
    shipped = (ROOT / "deploy" / "haproxy.cfg").read_text()
    assert "bind :8000" in shipped and "\n    server web1 " in shipped
    ours = [line for line in shipped.splitlines() if not line.startswith("    server ")]
    ours += [f"    server {name} 127.0.0.1:{number}" for name, number in servers.items()]
    config = work / "haproxy.cfg"
    config.write_text("\n".join(ours).replace("bind :8000", f"bind 127.0.0.1:{port}") + "\n")
    check = subprocess.run([binary, "-c", "-f", str(config)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    process = Process(
        "haproxy", [binary, "-db", "-f", str(config)], os.environ, work / "haproxy.log"
    )
    process.port = port
    answering(process)
    return process


def wait_for(url: str, process: Process, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.handle.poll() is not None:
            raise AssertionError(f"{process.name} stopped:\n{process.tail()}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise AssertionError(f"{process.name} did not answer {url} in {seconds} s:\n{process.tail()}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A browser over plain HTTP: keeps its cookies, sends Django's CSRF token with a form,
    follows no redirect. ``visits`` records (what, status, the process that answered)."""

    def __init__(self, base: str, who: str):
        self.base, self.who = base, who
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )
        self.visits: list[tuple[str, str, int, str]] = []

    def csrf(self) -> str:
        return next((c.value for c in self.cookies if c.name == "csrftoken"), "")

    def go(self, what: str, path: str, form: dict | None = None, expect: int | None = None):
        """(status, Location, page) of one request."""
        body, headers = None, {"Referer": self.base + "/"}
        if form is not None:
            body = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": self.csrf()}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, body, headers)
        try:
            with self.opener.open(request, timeout=120) as response:
                status, answer = response.status, response
                text = response.read().decode()
        except urllib.error.HTTPError as error:
            status, answer, text = error.code, error, error.read().decode()
        served_by = answer.headers.get("X-Served-By", "")
        self.visits.append((self.who, what, status, served_by))
        if expect is not None:
            assert status == expect, (
                f"{what}: {status} from {served_by}, not {expect}\n{text[:2000]}"
            )
        return status, answer.headers.get("Location", ""), text


PICKUP_CODE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b")
