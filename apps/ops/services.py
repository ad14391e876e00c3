"""Operations rules: recording a task that finally failed and sending it again, the workers'
heartbeat, and the beat schedule kept in the database from ``CELERY_BEAT_SCHEDULE``."""

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from celery import current_app
from celery.schedules import crontab
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from .models import DeadLetter, Heartbeat


class AlreadyHandled(Exception):
    """The dead letter was sent again or dismissed already (by whom and when is on it)."""


def _json_safe(value):
    """Task arguments as JSON (anything JSON cannot hold is kept as its repr)."""
    return json.loads(json.dumps(value, default=repr))


def record_dead_letter(
    *,
    task_name: str,
    task_id: str,
    args,
    kwargs,
    exception: str,
    traceback: str,
    attempts: int,
) -> DeadLetter:
    """Keep a task that failed for good, with what it was called with and why it failed."""
    return DeadLetter.objects.create(
        task_name=task_name,
        task_id=task_id or "",
        args=_json_safe(list(args or [])),
        kwargs=_json_safe(dict(kwargs or {})),
        exception=exception,
        traceback=traceback,
        attempts=max(attempts, 1),
        failed_at=timezone.now(),
    )


def _locked_open_letter(letter_id: int) -> DeadLetter:
    letter = DeadLetter.objects.select_for_update().get(pk=letter_id)
    if letter.resolved_at is not None:
        raise AlreadyHandled(
            f"Already {'sent again' if letter.retried_at else 'dismissed'} "
            f"at {timezone.localtime(letter.resolved_at):%Y-%m-%d %H:%M}."
        )
    return letter


def retry_dead_letter(*, letter_id: int, by: AbstractBaseUser) -> DeadLetter:
    """Send the task again with its arguments, once, and record when and by whom. The letter is
    closed: if the task fails for good again, a new dead letter records it. A broker that
    cannot be reached changes nothing (the error is raised)."""
    with transaction.atomic():
        letter = _locked_open_letter(letter_id)
        letter.retried_at = letter.resolved_at = timezone.now()
        letter.retried_by = letter.resolved_by = by
        letter.save(update_fields=["retried_at", "retried_by", "resolved_at", "resolved_by"])
    # Sent after the commit: a task run in-process (the embedded default) that fails again
    # records its new dead letter beside this one, not inside this transaction.
    task = current_app.tasks.get(letter.task_name)
    try:
        if task is not None:
            result = task.apply_async(args=letter.args, kwargs=letter.kwargs)
        else:  # a task this process does not know: a worker may
            result = current_app.send_task(letter.task_name, args=letter.args, kwargs=letter.kwargs)
    except Exception:
        if not current_app.conf.task_always_eager:  # never sent: as it was
            DeadLetter.objects.filter(pk=letter.pk).update(
                retried_at=None, retried_by=None, resolved_at=None, resolved_by=None
            )
        raise
    letter.retry_task_id = result.id or ""
    DeadLetter.objects.filter(pk=letter.pk).update(retry_task_id=letter.retry_task_id)
    return letter


@transaction.atomic
def dismiss_dead_letter(*, letter_id: int, by: AbstractBaseUser) -> DeadLetter:
    """Mark a dead letter as dealt with, without sending it again."""
    letter = _locked_open_letter(letter_id)
    letter.resolved_at = timezone.now()
    letter.resolved_by = by
    letter.save(update_fields=["resolved_at", "resolved_by"])
    return letter


def record_heartbeat(*, worker: str) -> Heartbeat:
    """A worker says it is alive and taking tasks from the broker."""
    beat, _ = Heartbeat.objects.update_or_create(
        worker=worker[:255], defaults={"beat_at": timezone.now()}
    )
    return beat


# --- the beat schedule --------------------------------------------------------------------

#: Marks the periodic tasks this module writes; the rest of the description says what
#: schedule the settings gave it, so a schedule an admin changed can be told apart.
FROM_SETTINGS = "From CELERY_BEAT_SCHEDULE: "


@dataclass
class ScheduleSync:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_admin_schedule: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _schedule_label(schedule) -> str:
    if isinstance(schedule, crontab):
        return (
            f"crontab {schedule._orig_minute} {schedule._orig_hour} "
            f"{schedule._orig_day_of_month} {schedule._orig_month_of_year} "
            f"{schedule._orig_day_of_week}"
        )
    if isinstance(schedule, IntervalSchedule):
        seconds = schedule.every * {
            IntervalSchedule.DAYS: 86400,
            IntervalSchedule.HOURS: 3600,
            IntervalSchedule.MINUTES: 60,
            IntervalSchedule.SECONDS: 1,
            IntervalSchedule.MICROSECONDS: 1e-6,
        }.get(schedule.period, 1)
        return f"every {seconds:g} seconds"
    if isinstance(schedule, CrontabSchedule):
        return (
            f"crontab {schedule.minute} {schedule.hour} {schedule.day_of_month} "
            f"{schedule.month_of_year} {schedule.day_of_week}"
        )
    if isinstance(schedule, dt.timedelta):
        schedule = schedule.total_seconds()
    if hasattr(schedule, "run_every"):  # celery.schedules.schedule
        schedule = schedule.run_every.total_seconds()
    return f"every {float(schedule):g} seconds"


def _model_schedule(schedule) -> dict:
    """The schedule fields of a PeriodicTask for a settings entry's schedule."""
    if isinstance(schedule, crontab):
        cron, _ = CrontabSchedule.objects.get_or_create(
            minute=schedule._orig_minute,
            hour=schedule._orig_hour,
            day_of_month=schedule._orig_day_of_month,
            month_of_year=schedule._orig_month_of_year,
            day_of_week=schedule._orig_day_of_week,
            timezone=str(schedule.tz or timezone.get_default_timezone()),
        )
        return {"crontab": cron, "interval": None}
    if isinstance(schedule, dt.timedelta):
        seconds = schedule.total_seconds()
    elif hasattr(schedule, "run_every"):
        seconds = schedule.run_every.total_seconds()
    else:
        seconds = float(schedule)
    if seconds <= 0 or seconds != int(seconds):
        raise ValueError(f"a schedule of {seconds:g} seconds is not a whole positive number")
    interval, _ = IntervalSchedule.objects.get_or_create(
        every=int(seconds), period=IntervalSchedule.SECONDS
    )
    return {"interval": interval, "crontab": None}


def _current_schedule(task: PeriodicTask):
    return task.interval or task.crontab or task.solar or task.clocked


@transaction.atomic
def sync_beat_schedule(*, schedule: Mapping[str, Mapping]) -> ScheduleSync:
    """Create or update one periodic task per entry of ``schedule`` (``CELERY_BEAT_SCHEDULE``).

    The task path, arguments and options always follow the settings. The schedule follows
    them too unless an admin changed it in Django admin (it no longer matches what the
    settings last gave): then it is kept. Tasks written from the settings whose entry is gone
    are deleted; periodic tasks an admin created are never touched.
    """
    done = ScheduleSync()
    for name, entry in schedule.items():
        label = _schedule_label(entry["schedule"])
        options = dict(entry.get("options") or {})
        fields = {
            "task": entry["task"],
            "args": json.dumps(list(entry.get("args") or [])),
            "kwargs": json.dumps(dict(entry.get("kwargs") or {})),
            "queue": options.get("queue"),
            "expire_seconds": options.get("expire_seconds"),
            "priority": options.get("priority"),
        }
        task = PeriodicTask.objects.select_for_update().filter(name=name).first()
        if task is None:
            PeriodicTask.objects.create(
                name=name,
                description=FROM_SETTINGS + label,
                **fields,
                **_model_schedule(entry["schedule"]),
            )
            done.created.append(name)
            continue
        changed = [key for key, value in fields.items() if getattr(task, key) != value]
        for key in changed:
            setattr(task, key, fields[key])
        last_given = task.description.removeprefix(FROM_SETTINGS)
        admin_changed = _schedule_label(_current_schedule(task)) != last_given
        if admin_changed:
            done.kept_admin_schedule.append(name)
        elif last_given != label:
            for key, value in _model_schedule(entry["schedule"]).items():
                setattr(task, key, value)
            task.description = FROM_SETTINGS + label
            changed.append("schedule")
        if changed:
            task.save()
            done.updated.append(name)
        elif not admin_changed:
            done.unchanged.append(name)
    gone = PeriodicTask.objects.filter(description__startswith=FROM_SETTINGS).exclude(
        name__in=list(schedule)
    )
    done.removed = sorted(gone.values_list("name", flat=True))
    gone.delete()
    return done
