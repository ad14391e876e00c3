"""What the operations app keeps: tasks that finally failed, and the workers' heartbeats."""

from django.conf import settings
from django.db import models


class DeadLetter(models.Model):
    """A Celery task that failed for good (its retries used up, or an error it does not retry):
    kept with what it was called with, so staff can send it again or dismiss it."""

    task_name = models.CharField(max_length=255, db_index=True)
    task_id = models.CharField(max_length=255, db_index=True)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    exception = models.TextField()
    traceback = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=1)
    failed_at = models.DateTimeField(db_index=True)
    retried_at = models.DateTimeField(null=True, blank=True)
    retried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    retry_task_id = models.CharField(max_length=255, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-failed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(attempts__gte=1), name="dead_letter_attempts_positive"
            )
        ]

    def __str__(self):
        return f"{self.task_name} [{self.task_id}]"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class Heartbeat(models.Model):
    """The last time a worker ran the heartbeat task (one row per worker host)."""

    worker = models.CharField(max_length=255, primary_key=True)
    beat_at = models.DateTimeField()

    def __str__(self):
        return f"{self.worker} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
