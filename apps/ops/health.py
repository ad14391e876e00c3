"""The shop's own health checks beside django-health-check's: the broker answers, every
migration is applied, and a worker has run the heartbeat task lately."""

import dataclasses
import datetime as dt
import functools

from celery import current_app
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

from . import selectors


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker (Redis) accepts a connection. The in-memory broker of the embedded
    default, where tasks run in the web process, always does."""

    timeout = dt.timedelta(seconds=3)

    def run(self):
        with current_app.connection_for_write() as connection:
            try:
                connection.ensure_connection(max_retries=1, timeout=2)
            except Exception as exc:
                raise ServiceUnavailable(f"broker unreachable: {type(exc).__name__}") from exc


@functools.cache
def migrations_in_code() -> frozenset[tuple[str, str]]:
    """Every migration the code has (read once per process: the code does not change)."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


@dataclasses.dataclass
class Migrations(HealthCheck):
    """Every migration in the code is applied to the database."""

    def run(self):
        connection = connections[DEFAULT_DB_ALIAS]
        try:
            applied = set(MigrationRecorder(connection).applied_migrations())
        except DatabaseError as exc:
            raise ServiceUnavailable("cannot read the applied migrations") from exc
        finally:
            connection.close()
        missing = sorted(migrations_in_code() - applied)
        if missing:
            names = ", ".join(f"{app}.{name}" for app, name in missing[:3])
            raise ServiceUnavailable(f"{len(missing)} migration(s) not applied: {names}")


@dataclasses.dataclass
class WorkerHeartbeat(HealthCheck):
    """A worker ran the heartbeat task (queued every minute by beat) within
    ``HEALTH_WORKER_STALE_SECONDS``. With tasks run in the web process there is no worker to
    wait for."""

    def run(self):
        if current_app.conf.task_always_eager:
            return
        try:
            last = selectors.last_heartbeat()
        except DatabaseError as exc:
            raise ServiceUnavailable("cannot read the heartbeat") from exc
        finally:
            connections[DEFAULT_DB_ALIAS].close()
        if last is None:
            raise ServiceUnavailable("no worker has run the heartbeat task yet")
        age = (timezone.now() - last).total_seconds()
        if age > settings.HEALTH_WORKER_STALE_SECONDS:
            raise ServiceUnavailable(f"last worker heartbeat {age:.0f} s ago")
