"""python manage.py export_customer EMAIL --output FILE.zip"""

from django.core.management.base import BaseCommand, CommandError

from apps.privacy import services
from apps.privacy.models import AuditEntry


class Command(BaseCommand):
    help = (
        "Write one zip archive (data.json and a CSV per kind) of everything held about the "
        "person with this e-mail, across every channel, guest orders included."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--output", required=True, help="the zip file to write")

    def handle(self, *args, email, output, **options):
        if not output.lower().endswith(".zip"):
            raise CommandError(f"--output {output}: the archive is a zip file, name it .zip")
        try:
            counts = services.export_to_file(email=email, output=output, via=AuditEntry.Via.COMMAND)
        except services.PrivacyError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror or exc}") from exc
        summary = ", ".join(f"{kind} {n}" for kind, n in counts.items() if n)
        self.stdout.write(f"Wrote {output}: {summary or 'no records'}")
