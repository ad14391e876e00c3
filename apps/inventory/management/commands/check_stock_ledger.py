from django.core.management import BaseCommand, CommandError

from apps.inventory.selectors import ledger_drift, movements_without_source

#: How many rows without a source are listed one by one (all are counted).
SHOWN = 20


class Command(BaseCommand):
    help = (
        "Check that every stock record's on hand and allocated equal the sum of its ledger "
        "movements (exit 1 on drift), and list ledger rows that name no cause."
    )

    def handle(self, *args, **options):
        drift = list(ledger_drift())
        for record, on_hand, allocated in drift:
            self.stdout.write(
                f"DRIFT {record.partner.code} {record.product.upc or record.product_id}: "
                f"on hand {record.num_in_stock} (ledger {on_hand}), allocated {record.num_allocated} (ledger {allocated})"
            )
        unexplained = movements_without_source()
        count = unexplained.count()
        for movement in unexplained[:SHOWN]:
            self.stdout.write(
                f"NO SOURCE movement #{movement.pk} {movement.get_reason_display()} "
                f"{movement.location.code} {movement.product.upc or movement.product_id} "
                f"on hand {movement.on_hand_delta:+d}, allocated {movement.allocated_delta:+d}"
                f" ({movement.created_at:%Y-%m-%d %H:%M}{', ' + movement.reference if movement.reference else ''})"
            )
        if count:
            more = f" ({count - SHOWN} more not listed)" if count > SHOWN else ""
            self.stdout.write(
                self.style.WARNING(
                    f"{count} ledger row(s) name no order line, return, transfer, count or "
                    f"import{more}."
                )
            )
        if drift:
            raise CommandError(f"{len(drift)} stock record(s) differ from the ledger")
        self.stdout.write(
            self.style.SUCCESS("Ledger balances: every stock record matches its movements.")
        )
