"""CELERY_BEAT_SCHEDULE is the one list of jobs: `setup_beat_schedule` (and every migrate)
writes it into django-celery-beat's periodic tasks, idempotently, keeping a schedule an admin
changed in Django admin."""

import json

import pytest
from celery.schedules import crontab
from django.core.management import call_command
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from config.celery import app

pytestmark = pytest.mark.django_db

JOBS = {
    "send-pending-notifications": {
        "task": "apps.notifications.tasks.send_pending_notifications",
        "schedule": 300,
    },
    "nightly-thing": {
        "task": "apps.ops.tasks.heartbeat",
        "schedule": crontab(hour=2, minute=30),
        "kwargs": {"dry_run": False},
    },
}


def run(capsys):
    call_command("setup_beat_schedule")
    return capsys.readouterr().out


def every(name):
    return PeriodicTask.objects.get(name=name).interval.every


def test_a_fresh_migrate_has_every_job_of_the_settings(settings):
    """The test database was migrated: post_migrate wrote the settings' jobs."""
    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert set(settings.CELERY_BEAT_SCHEDULE) <= names
    assert every("worker-heartbeat") == 60
    assert PeriodicTask.objects.get(name="worker-heartbeat").task == "apps.ops.tasks.heartbeat"


def test_celery_keeps_no_copy_for_the_database_scheduler_to_write_back():
    assert app.conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    assert app.conf.beat_schedule == {}


def test_running_it_twice_changes_nothing(settings, capsys):
    settings.CELERY_BEAT_SCHEDULE = JOBS
    first = run(capsys)
    assert "nightly-thing: created" in first
    rows = list(PeriodicTask.objects.order_by("name").values())
    assert "0 created, 0 updated, 2 unchanged" in run(capsys)
    assert list(PeriodicTask.objects.order_by("name").values()) == rows
    nightly = PeriodicTask.objects.get(name="nightly-thing")
    assert (nightly.crontab.hour, nightly.crontab.minute) == ("2", "30")
    assert json.loads(nightly.kwargs) == {"dry_run": False}


def test_a_job_added_to_the_settings_is_picked_up(settings, capsys):
    settings.CELERY_BEAT_SCHEDULE = JOBS
    run(capsys)
    settings.CELERY_BEAT_SCHEDULE = {
        **JOBS,
        "new-job": {"task": "apps.ops.tasks.heartbeat", "schedule": 120},
    }
    assert "new-job: created" in run(capsys)
    assert every("new-job") == 120


def test_an_interval_an_admin_changed_is_kept_and_the_rest_follows_the_settings(settings, capsys):
    settings.CELERY_BEAT_SCHEDULE = JOBS
    run(capsys)
    job = PeriodicTask.objects.get(name="send-pending-notifications")
    job.interval = IntervalSchedule.objects.create(every=900, period=IntervalSchedule.SECONDS)
    job.save()  # what an admin does in Django admin
    settings.CELERY_BEAT_SCHEDULE = {
        **JOBS,
        "send-pending-notifications": {**JOBS["send-pending-notifications"], "schedule": 120},
    }
    out = run(capsys)
    assert "send-pending-notifications: kept the schedule an admin set" in out
    assert every("send-pending-notifications") == 900


def test_a_schedule_changed_in_the_settings_only_is_followed(settings, capsys):
    settings.CELERY_BEAT_SCHEDULE = JOBS
    run(capsys)
    settings.CELERY_BEAT_SCHEDULE = {
        **JOBS,
        "send-pending-notifications": {**JOBS["send-pending-notifications"], "schedule": 120},
    }
    assert "send-pending-notifications: updated" in run(capsys)
    assert every("send-pending-notifications") == 120


def test_a_job_removed_from_the_settings_goes_but_an_admins_own_job_stays(settings, capsys):
    settings.CELERY_BEAT_SCHEDULE = JOBS
    run(capsys)
    mine = PeriodicTask.objects.create(
        name="admin's own",
        task="apps.ops.tasks.heartbeat",
        interval=IntervalSchedule.objects.create(every=5, period=IntervalSchedule.MINUTES),
    )
    settings.CELERY_BEAT_SCHEDULE = {"nightly-thing": JOBS["nightly-thing"]}
    assert "send-pending-notifications: removed" in run(capsys)
    assert set(PeriodicTask.objects.values_list("name", flat=True)) == {
        "nightly-thing",
        mine.name,
    }


def test_an_entry_it_cannot_read_is_a_clear_error(settings):
    from django.core.management.base import CommandError

    settings.CELERY_BEAT_SCHEDULE = {"broken": {"task": "apps.ops.tasks.heartbeat"}}
    with pytest.raises(CommandError, match="CELERY_BEAT_SCHEDULE has an entry"):
        call_command("setup_beat_schedule")
