"""The Celery app: tasks are found in every installed app's tasks.py."""

import os
import smtplib
import sys

from billiard.einfo import ExceptionInfo
from celery import Celery, Task, signals, uuid
from celery.exceptions import Retry

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class InProcessFailuresAnnounced(Task):
    """A task run in-process (eager, the embedded default) whose error propagates to the caller
    still announces ``task_failure``, as a worker does, so its dead letter is kept too (Celery
    raises before announcing it). A retry (``Retry``) is not a failure."""

    def apply(self, args=None, kwargs=None, *rest, **options):
        throw = options.get("throw")
        propagate = self.app.conf.task_eager_propagates if throw is None else throw
        options.setdefault("task_id", uuid())
        try:
            return super().apply(args, kwargs, *rest, **options)
        except Retry:
            raise
        except Exception as exc:
            if propagate:
                self.request_stack.push(self.request.__class__(retries=options.get("retries", 0)))
                try:
                    signals.task_failure.send(
                        sender=self,
                        task_id=options["task_id"],
                        exception=exc,
                        args=args or (),
                        kwargs=kwargs or {},
                        traceback=exc.__traceback__,
                        einfo=ExceptionInfo(),
                    )
                finally:
                    self.request_stack.pop()
            raise


app = Celery("omnishop", task_cls=InProcessFailuresAnnounced)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

#: Options for tasks that send mail or texts: providers fail in these ways, and the task is
#: retried with a growing pause (``@shared_task(**SEND_RETRY)``).
SEND_RETRY = {
    "autoretry_for": (smtplib.SMTPException, ConnectionError, OSError),
    "retry_backoff": 30,
    "retry_jitter": True,
    "max_retries": 8,
}


@app.on_after_configure.connect
def _schedule_from_the_database(sender, **kwargs):
    """CELERY_BEAT_SCHEDULE reaches beat through the database only (``setup_beat_schedule``):
    django-celery-beat's DatabaseScheduler would otherwise write Celery's copy over it at every
    start, undoing a schedule an admin changed."""
    sender.conf.beat_schedule = {}


def broker_refusal(conf, environ=os.environ) -> str:
    """Why a worker or beat must not start with these settings ("" when it may): outside the
    embedded default (tasks run in the web process) the in-memory broker would take tasks
    that no other process ever sees."""
    if not str(conf.broker_url or "").startswith("memory://"):
        return ""
    embedded = (
        conf.task_always_eager
        and environ.get("DJANGO_ENV", "development") != "production"
        and environ.get("REQUIRE_SERVICES") != "1"
    )
    if embedded:
        return ""
    return (
        "Refusing to start: the broker is memory:// (nothing shared with the web processes). "
        "Set REDIS_URL (or CELERY_BROKER_URL) to the Redis the web processes use, "
        "e.g. REDIS_URL=redis://127.0.0.1:6379/0."
    )


@signals.worker_init.connect
@signals.beat_init.connect
def _refuse_memory_broker(sender=None, **kwargs):
    reason = broker_refusal(app.conf)
    if reason:
        print(reason, file=sys.stderr, flush=True)
        raise SystemExit(2)
