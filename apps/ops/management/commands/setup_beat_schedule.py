"""Write CELERY_BEAT_SCHEDULE into django-celery-beat's periodic tasks (run by every migrate
too): new entries are created, changed ones updated, a schedule an admin changed is kept."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.ops import services


class Command(BaseCommand):
    help = (
        "Create or update the periodic tasks from CELERY_BEAT_SCHEDULE (idempotent); a "
        "schedule changed in Django admin is kept."
    )

    def handle(self, *args, **options):
        try:
            done = services.sync_beat_schedule(schedule=settings.CELERY_BEAT_SCHEDULE)
        except (KeyError, TypeError, ValueError) as exc:
            raise CommandError(f"CELERY_BEAT_SCHEDULE has an entry I cannot read: {exc}") from exc
        for label, names in (
            ("created", done.created),
            ("updated", done.updated),
            ("unchanged", done.unchanged),
            ("kept the schedule an admin set", done.kept_admin_schedule),
            ("removed (no longer in CELERY_BEAT_SCHEDULE)", done.removed),
        ):
            for name in names:
                self.stdout.write(f"{name}: {label}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(done.created)} created, {len(done.updated)} updated, "
                f"{len(done.unchanged)} unchanged, {len(done.kept_admin_schedule)} kept as an "
                f"admin set them, {len(done.removed)} removed."
            )
        )
