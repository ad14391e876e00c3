from django.core.management import BaseCommand, CommandError

from apps.inventory.selectors import ledger_drift


class Command(BaseCommand):
    help = "Check that every stock record's on hand and allocated equal the sum of its ledger movements."

    def handle(self, *args, **options):
        drift = list(ledger_drift())
        for record, on_hand, allocated in drift:
            self.stdout.write(
                f"DRIFT {record.partner.code} {record.product.upc or record.product_id}: "
                f"on hand {record.num_in_stock} (ledger {on_hand}), allocated {record.num_allocated} (ledger {allocated})"
            )
        if drift:
            raise CommandError(f"{len(drift)} stock record(s) differ from the ledger")
        self.stdout.write(
            self.style.SUCCESS("Ledger balances: every stock record matches its movements.")
        )
