"""Stock import: rows per second for 100,000 rows (1,000 products x 100 locations).

Ours (validate all, then bulk update + bulk ledger insert per location) against a naive import
that saves one stock record and one movement per row, on the same file, in the same run.
"""

import random
import time

from _setup import setup

setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from oscar.core.loading import get_model  # noqa: E402

from apps.inventory.imports import import_stock  # noqa: E402
from apps.inventory.models import StockMovement  # noqa: E402
from apps.inventory.selectors import ledger_drift  # noqa: E402
from apps.stores.models import Location  # noqa: E402

StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")


def make_feed(seed):
    rng = random.Random(seed)
    codes = list(Location.objects.order_by("pk").values_list("code", flat=True))
    skus = list(Product.objects.order_by("pk").values_list("upc", flat=True))
    lines = ["location,sku,on_hand"]
    lines += [f"{code},{sku},{rng.randint(0, 50)}" for code in codes for sku in skus]
    return "\n".join(lines) + "\n", len(lines) - 1


def naive_import(text):
    """One get and one save per row, plus one ledger row: what a quick script would do."""
    locations = {loc.code: loc for loc in Location.objects.all()}
    with transaction.atomic():
        for line in text.splitlines()[1:]:
            code, sku, on_hand = line.split(",")
            location = locations[code]
            record = StockRecord.objects.select_for_update().get(
                partner_id=location.partner_id, product__upc=sku
            )
            delta = int(on_hand) - record.num_in_stock
            record.num_in_stock = int(on_hand)
            record.save()
            if delta:
                StockMovement.objects.create(
                    stockrecord=record,
                    location=location,
                    product_id=record.product_id,
                    on_hand_delta=delta,
                    reason=StockMovement.Reason.ADJUSTMENT,
                )


def main():
    start = time.perf_counter()
    call_command(
        "load_demo",
        "--products",
        "1000",
        "--stores",
        "99",
        "--no-index",
        "--no-progress",
        verbosity=0,
    )
    print(
        f"loaded 1,000 products x {Location.objects.count()} locations in {time.perf_counter() - start:.1f} s"
    )

    text, rows = make_feed(1)
    start = time.perf_counter()
    result = import_stock(text=text, filename="bench.csv")
    ours = time.perf_counter() - start
    print(
        f"ours:  {rows:,} rows in {ours:.1f} s = {rows / ours:,.0f} rows/s ({result.rows_applied:,} applied)"
    )

    text, rows = make_feed(2)
    start = time.perf_counter()
    naive_import(text)
    naive = time.perf_counter() - start
    print(f"naive: {rows:,} rows in {naive:.1f} s = {rows / naive:,.0f} rows/s")
    print(
        f"ours is {naive / ours:.1f}x faster; ledger drift after both: {len(list(ledger_drift()))} records"
    )


if __name__ == "__main__":
    main()
