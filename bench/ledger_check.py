"""check_stock_ledger on a big catalogue: the comparison in SQL (ours) against fetching every
record with its sums and comparing in Python (how it was first written)."""

import sys
import time

from _setup import setup

setup()

from django.core.management import call_command  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django.db.models.functions import Coalesce  # noqa: E402
from oscar.core.loading import get_model  # noqa: E402

from apps.inventory.selectors import ledger_drift  # noqa: E402

StockRecord = get_model("partner", "StockRecord")
PRODUCTS = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
STORES = int(sys.argv[2]) if len(sys.argv) > 2 else 100


def compare_in_python():
    records = StockRecord.objects.annotate(
        ledger_on_hand=Coalesce(Sum("movements__on_hand_delta"), 0),
        ledger_allocated=Coalesce(Sum("movements__allocated_delta"), 0),
    ).select_related("product", "partner")
    return [
        r
        for r in records.iterator(chunk_size=2000)
        if (r.ledger_on_hand, r.ledger_allocated) != (r.num_in_stock, r.num_allocated)
    ]


def timed(label, check, records):
    start = time.perf_counter()
    drift = list(check())
    seconds = time.perf_counter() - start
    print(f"{label}: {seconds:.1f} s, {records / seconds:,.0f} records/s, {len(drift)} drifting")


def main():
    call_command(
        "load_demo",
        "--products",
        str(PRODUCTS),
        "--stores",
        str(STORES),
        "--no-index",
        "--no-progress",
        verbosity=0,
    )
    records = StockRecord.objects.count()
    print(f"{records:,} stock records")
    timed("in SQL (ours)", ledger_drift, records)
    timed("in Python (before)", compare_in_python, records)
    StockRecord.objects.filter(pk__in=StockRecord.objects.order_by("pk")[:3]).update(
        num_in_stock=999
    )
    timed("in SQL with 3 drifting", ledger_drift, records)


if __name__ == "__main__":
    main()
