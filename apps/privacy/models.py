"""What the shop keeps about its handling of customers' data: an audit log of exports and
erasures (never the personal data itself), and the export archives waiting to be downloaded."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEntry(models.Model):
    """One export or erasure: who did it, when, of what kind, and whom it was about, named only
    by a reference that cannot be turned back into the person (their account id, and a keyed
    hash of their e-mail address)."""

    class Kind(models.TextChoices):
        EXPORT = "export", "Data export"
        ERASURE = "erasure", "Erasure"
        ERASURE_REFUSED = "erasure_refused", "Erasure refused"
        RETENTION = "retention", "Retention purge"

    class Via(models.TextChoices):
        ACCOUNT = "account", "Account page"
        COMMAND = "command", "Management command"
        SCHEDULE = "schedule", "Scheduled job"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, db_index=True)
    via = models.CharField(max_length=16, choices=Via.choices)
    #: Who asked: a user id (the customer, or staff) or empty for a command or the schedule.
    actor_id = models.IntegerField(null=True, blank=True)
    actor = models.CharField(
        max_length=64, blank=True, help_text="'customer', 'staff #12', the command's operator"
    )
    subject_user_id = models.IntegerField(
        null=True, blank=True, help_text="The account's id (no longer resolvable once erased)"
    )
    subject_ref = models.CharField(
        max_length=64, blank=True, help_text="HMAC-SHA256 of the e-mail address, keyed by the site"
    )
    detail = models.JSONField(
        default=dict, blank=True, help_text="Counts only: how many orders, rows, files"
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_via_display()}) at {self.at:%Y-%m-%d %H:%M}"


class ExportArchive(models.Model):
    """A customer's data export: built on Celery, kept in private storage (never served as
    media), downloaded by a signed link until ``expires_at``, then deleted."""

    class State(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    file_name = models.CharField(max_length=255, blank=True, help_text="In private storage")
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Export {self.pk} ({self.state})"

    @property
    def is_downloadable(self) -> bool:
        return self.state == self.State.READY and self.expires_at > timezone.now()
