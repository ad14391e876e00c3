"""python manage.py erase_customer EMAIL [--yes]"""

from django.core.management.base import BaseCommand, CommandError

from apps.privacy import services
from apps.privacy.models import AuditEntry


class Command(BaseCommand):
    help = (
        "Erase everything that names the person with this e-mail in every channel (account, "
        "addresses, orders' contact details, notes, arrivals, pickup codes, messages, till "
        "links); the orders' lines, taxes and money stay. Refused while an order is open."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, email, yes, **options):
        if not yes:
            answer = input(f"Erase all personal data of {email}? This cannot be undone. [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError("Not confirmed: nothing was erased.")
        try:
            counts = services.erase(email=email, via=AuditEntry.Via.COMMAND)
        except services.PrivacyError as exc:
            raise CommandError(f"Refused: {exc}") from exc
        summary = ", ".join(f"{kind} {n}" for kind, n in counts.items() if n)
        self.stdout.write(f"Erased {email}: {summary or 'nothing held'}")
