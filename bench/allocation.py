"""Allocation under concurrency: ours against plain Oscar's default path, same data, one run.

Prints allocations per second on one hot product and on spread products, and how many units
each path oversells when 8 (then 16) shoppers race for the last 3 units.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from _setup import setup

setup()

from django.db import connection, transaction  # noqa: E402
from oscar.apps.partner.abstract_models import AbstractStockRecord  # noqa: E402
from oscar.apps.partner.strategy import Default as OscarDefaultStrategy  # noqa: E402
from oscar.core.loading import get_model  # noqa: E402

from apps.inventory import services  # noqa: E402
from tests.factories import ProductFactory, StoreFactory, stock  # noqa: E402

StockRecord = get_model("partner", "StockRecord")
THREADS = 8


def run_threads(n, work):
    barrier = threading.Barrier(n)

    def run(i):
        try:
            barrier.wait()
            return work(i)
        finally:
            connection.close()

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def ours_allocate(store, product_id):
    try:
        with transaction.atomic():
            services.allocate(location=store, quantities={product_id: 1})
        return True
    except services.InsufficientStock:
        return False


def oscar_allocate(product_id):
    """Plain Oscar: is purchase permitted (by the first stock record)? then allocate, unconditionally."""
    with transaction.atomic():
        product = get_model("catalogue", "Product").objects.get(pk=product_id)
        info = OscarDefaultStrategy().fetch_for_product(product)
        if not info.availability.is_purchase_permitted(1):
            return False
        AbstractStockRecord.allocate(info.stockrecord, 1)  # Oscar's own method, not our override
        return True


def throughput(store, products, per_thread):
    def work(i):
        ok = 0
        for n in range(per_thread):
            ok += ours_allocate(store, products[(i * per_thread + n) % len(products)].pk)
        return ok

    start = time.perf_counter()
    done = sum(run_threads(THREADS, work))
    return done, done / (time.perf_counter() - start)


def race_last_units(shoppers, units, path):
    store = StoreFactory()
    product = ProductFactory()
    stock(store, product, units)
    if path == "ours":
        wins = sum(run_threads(shoppers, lambda i: ours_allocate(store, product.pk)))
    else:
        wins = sum(run_threads(shoppers, lambda i: oscar_allocate(product.pk)))
    record = StockRecord.objects.get(product=product)
    return wins, max(record.num_allocated - record.num_in_stock, 0)


def main():
    store = StoreFactory(code="bench", name="Bench store")
    hot = ProductFactory(title="Hot product")
    stock(store, hot, 100_000)
    spread = [ProductFactory() for _ in range(200)]
    for p in spread:
        stock(store, p, 100_000)

    print(
        f"PostgreSQL {connection.pg_version}, {THREADS} threads, each allocation its own transaction"
    )
    done, rate = throughput(store, [hot], 300)
    print(f"ours, one hot product:      {done} allocations, {rate:,.0f} allocations/s")
    done, rate = throughput(store, spread, 300)
    print(f"ours, 200 spread products:  {done} allocations, {rate:,.0f} allocations/s")

    # Plain Oscar has no database guard; drop ours for its run so its own behaviour shows.
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE partner_stockrecord DROP CONSTRAINT stockrecord_allocated_within_on_hand"
        )
    try:
        for shoppers in (8, 16):
            wins, oversold = race_last_units(shoppers, 3, "oscar")
            print(
                f"plain Oscar, {shoppers} shoppers for the last 3 units: {wins} orders, {oversold} units oversold"
            )
        StockRecord.objects.filter(num_allocated__gt=0).update(num_allocated=0)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE partner_stockrecord ADD CONSTRAINT stockrecord_allocated_within_on_hand "
                "CHECK (num_allocated <= num_in_stock)"
            )
    for shoppers in (8, 16):
        wins, oversold = race_last_units(shoppers, 3, "ours")
        print(
            f"ours,        {shoppers} shoppers for the last 3 units: {wins} orders, {oversold} units oversold"
        )


if __name__ == "__main__":
    main()
