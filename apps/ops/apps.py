from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OpsConfig(AppConfig):
    """Running the shop: health checks, the worker's heartbeat, the beat schedule kept in the
    database, and the tasks that finally failed (dead letters)."""

    name = "apps.ops"
    label = "ops"
    verbose_name = "Operations"
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        from . import receivers

        receivers.connect()
        post_migrate.connect(receivers.schedule_after_migrate, dispatch_uid="ops.beat_schedule")
