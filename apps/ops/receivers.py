"""What the operations app listens to: a task that failed for good (kept as a dead letter),
a migrate (the beat schedule written to the database) and beat starting (the same)."""

import logging

from billiard.exceptions import WorkerLostError
from celery import signals
from django.conf import settings
from django.db import DatabaseError

from . import services

logger = logging.getLogger(__name__)


def record_final_failure(
    sender=None, task_id=None, exception=None, args=None, kwargs=None, einfo=None, **extra
):
    """Celery's task_failure comes only once a task has given up: a retried task
    (``autoretry_for``) announces task_retry instead until its retries are used up."""
    if (
        isinstance(exception, WorkerLostError)
        and sender is not None
        and (sender.reject_on_worker_lost or sender.app.conf.task_reject_on_worker_lost)
    ):
        return  # the message goes back to the queue: another worker runs it again
    request = getattr(sender, "request", None)
    retries = getattr(request, "retries", 0) or 0
    try:
        services.record_dead_letter(
            task_name=getattr(sender, "name", "") or "",
            task_id=task_id or "",
            args=args,
            kwargs=kwargs,
            exception=f"{type(exception).__name__}: {exception}",
            traceback=str(einfo.traceback) if einfo is not None else "",
            attempts=retries + 1,
        )
    except DatabaseError:
        logger.exception("could not record the dead letter of task %s", task_id)


def schedule_after_migrate(sender, **kwargs):
    """A fresh ``migrate`` leaves the beat schedule in the database."""
    if sender.label != "ops":
        return
    using = kwargs.get("using", "default")
    if using != "default":
        return
    done = services.sync_beat_schedule(schedule=settings.CELERY_BEAT_SCHEDULE)
    if kwargs.get("verbosity", 1) >= 1 and (done.created or done.updated or done.removed):
        print(
            f"  Beat schedule: {len(done.created)} created, {len(done.updated)} updated, "
            f"{len(done.removed)} removed."
        )


def schedule_at_beat_start(sender=None, **kwargs):
    """Beat picks up entries added to CELERY_BEAT_SCHEDULE since the last migrate."""
    services.sync_beat_schedule(schedule=settings.CELERY_BEAT_SCHEDULE)


def connect():
    signals.task_failure.connect(record_final_failure, dispatch_uid="ops.dead_letters")
    signals.beat_init.connect(schedule_at_beat_start, dispatch_uid="ops.beat_schedule")
