"""python manage.py send_newsletter --subject "..." --body-file news.txt"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.privacy import marketing


class Command(BaseCommand):
    help = (
        "Send a marketing e-mail to every customer who said yes to marketing e-mails, with a "
        "one-click unsubscribe (List-Unsubscribe headers and a link in the body)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--subject", required=True)
        parser.add_argument("--body-file", required=True, help="the message's text (UTF-8)")

    def handle(self, *args, subject, body_file, **options):
        if not subject.strip():
            raise CommandError("--subject is empty: give the e-mail a subject.")
        try:
            body = Path(body_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read --body-file {body_file}: {exc}") from exc
        if not body.strip():
            raise CommandError(f"--body-file {body_file} is empty.")
        sent = marketing.send_marketing_email(subject=subject.strip(), body=body)
        self.stdout.write(f"Sent to {sent} customer{'s' if sent != 1 else ''} with e-mail consent.")
