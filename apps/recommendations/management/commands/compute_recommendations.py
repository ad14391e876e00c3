from django.core.management.base import BaseCommand

from apps.recommendations import services


class Command(BaseCommand):
    help = (
        "Work out the recommendations anew from purchases in every channel (the nightly job "
        "does the same): often bought together, buy again, recommended for you, popular."
    )

    def handle(self, *args, **options):
        done = services.compute_recommendations()
        self.stdout.write(f"Recommendations computed: {done}")
