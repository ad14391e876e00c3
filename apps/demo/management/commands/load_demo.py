import logging

from django.conf import settings
from django.core.management import BaseCommand, call_command

from apps.demo.loader import DemoLoader
from apps.recommendations.services import compute_recommendations
from apps.storefront import fragments


class Command(BaseCommand):
    help = "Load the demo shop (catalogue, warehouse, stores, stock, users). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--products", type=int, default=150, help="how many products (default 150)"
        )
        parser.add_argument(
            "--stores", type=int, default=8, help="how many stores (default 8, at least 6)"
        )
        parser.add_argument(
            "--no-index", action="store_true", help="do not rebuild the search index"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")
        parser.add_argument(
            "--orders",
            action="store_true",
            help="also a morning's orders at the demo staff's stores (only on a shop with none)",
        )

    def handle(self, *args, products, stores, no_index, no_progress, orders, **options):
        if options["verbosity"] < 2:
            # The demo orders e-mail the demo shopper; printing every message, every in-process
            # task's "succeeded" line and the progress bars is for -v 2.
            settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
            logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
        DemoLoader(
            products=products,
            stores=stores,
            orders=orders,
            progress=not no_progress and options["verbosity"] > 1,
            out=self.stdout,
        ).load()
        if orders:  # "popular" and "often bought together" from the demo's orders at once
            compute_recommendations()
        fragments.forget()  # pages kept rendered from an earlier catalogue
        if not no_index:
            self.stdout.write("Rebuilding the search index...")
            call_command("update_index", remove=True, verbosity=0)
        self.stdout.write(self.style.SUCCESS("Demo shop ready."))
