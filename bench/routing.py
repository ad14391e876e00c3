"""Routing a 10-line basket across 500 stores: median and p95 latency of each policy's route
to a store (what the collect step and placing a ship-to-store order ask), and of a delivery
route, with the queries each costs. Goal: p95 at most 50 ms.

    .venv/bin/python bench/routing.py            # builds the data afresh
    .venv/bin/python bench/routing.py --reuse    # routes over the data the last run built

The data (the demo shop at 500 stores, 60 products) is built in a database of its own,
``omnishop_bench_routing`` beside the other benchmarks' (``BENCH_DATABASE_URL`` overrides).
"""

import os
import random
import sys
import time

os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/omnishop_bench_routing"
)

from _setup import QueryCounter, percentiles, setup  # noqa: E402

REUSE = "--reuse" in sys.argv
setup(fresh=not REUSE)

from django.core.management import call_command  # noqa: E402
from oscar.core.loading import get_model  # noqa: E402

from apps.inventory.selectors import availability  # noqa: E402
from apps.routing.policies import POLICIES  # noqa: E402
from apps.routing.selectors import route_for_delivery, route_to_store  # noqa: E402
from apps.stores import directory  # noqa: E402
from apps.stores.models import Location  # noqa: E402

Product = get_model("catalogue", "Product")
RUNS = 200
STORES, PRODUCTS, LINES = 500, 60, 10


def timed(fn):
    samples, counter = [], QueryCounter()
    for _ in range(RUNS):
        with counter:
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1000)
    return (*percentiles(samples), counter.count / RUNS)


def main():
    start = time.perf_counter()
    if not (REUSE and Product.objects.exists()):
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
    locations = [loc for loc in directory.locations() if loc.is_active]
    stores = [loc for loc in locations if loc.kind == Location.Kind.STORE]
    print(
        f"{PRODUCTS} products x {len(locations)} locations ({len(stores)} stores), "
        f"{'reused' if REUSE else f'loaded in {time.perf_counter() - start:.1f} s'}"
    )
    rng = random.Random(7)
    products = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    baskets = [dict.fromkeys(rng.sample(products, LINES), 1) for _ in range(20)]
    # Destinations that lack part of their basket: the routes that send stock.
    units = availability(products=products, locations=stores)
    trips = []
    for basket in baskets:
        for store in rng.sample(stores, 50):
            if not units.has_everything(store, basket):
                trips.append((store, basket))
                break
    print(f"{len(trips)} baskets of {LINES} lines, each to a store lacking part of it")
    it = iter(range(10**9))
    for name, policy_class in POLICIES.items():
        policy = policy_class()
        routes = [route_to_store(store, basket, policy=policy) for store, basket in trips]
        found = [r for r in routes if r is not None]
        sources = sum(len(r.parts[0].transfers) for r in found) / max(1, len(found))

        def route(policy=policy):
            store, basket = trips[next(it) % len(trips)]
            return route_to_store(store, basket, policy=policy)

        median, p95, queries = timed(route)
        print(
            f"to a store, {name:15} median {median:6.2f} ms   p95 {p95:6.2f} ms   "
            f"{queries:.0f} queries   routed {len(found)}/{len(trips)}, "
            f"{sources:.1f} sources each"
        )
    for name, policy_class in POLICIES.items():
        policy = policy_class()

        def deliver(policy=policy):
            return route_for_delivery(baskets[next(it) % len(baskets)], policy=policy)

        median, p95, queries = timed(deliver)
        print(
            f"delivery,   {name:15} median {median:6.2f} ms   p95 {p95:6.2f} ms   "
            f"{queries:.0f} queries"
        )


if __name__ == "__main__":
    main()
