"""Which of 1,000 stores have this 10-line basket, nearest first? Median and p95 latency.

Loads the demo catalogue scaled to 1,000 stores (200 products), then asks the store locator
from 20 places in the UK, for the 20 nearest stores and for every store that has the basket.
"""

import random
import time

from _setup import QueryCounter, percentiles, setup

setup()

from django.core.management import call_command  # noqa: E402
from oscar.core.loading import get_model  # noqa: E402

from apps.inventory.selectors import locations_with_everything, mark_stocked  # noqa: E402
from apps.stores.models import Store  # noqa: E402
from apps.stores.selectors import distance_km, find_stores  # noqa: E402

Product = get_model("catalogue", "Product")
RUNS = 200


def every_store_with_basket(near, quantities):
    stores = list(Store.objects.filter(is_active=True).only("pk", "latitude", "longitude", "name"))
    stocked = locations_with_everything(quantities=quantities, locations=stores)
    found = [s for s in stores if s.pk in stocked]
    found.sort(key=lambda s: distance_km(near[0], near[1], s.latitude, s.longitude))
    return found


def timed(fn):
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return percentiles(samples)


def main():
    start = time.perf_counter()
    call_command(
        "load_demo",
        "--products",
        "200",
        "--stores",
        "1000",
        "--no-index",
        "--no-progress",
        verbosity=0,
    )
    print(f"loaded 200 products x 1,001 locations in {time.perf_counter() - start:.1f} s")
    rng = random.Random(1)
    products = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    basket = dict.fromkeys(rng.sample(products, 10), 1)
    places = [(rng.uniform(50.5, 56), rng.uniform(-4.5, 0.5)) for _ in range(20)]
    it = iter(range(10**9))

    def nearest_20():
        return mark_stocked(find_stores(near=places[next(it) % 20], limit=20), quantities=basket)

    def all_with_basket():
        return every_store_with_basket(places[next(it) % 20], basket)

    with QueryCounter() as ctx:
        sample = nearest_20()
    print(
        f"20 nearest of 1,000 stores, each with 'has the 10-line basket': {ctx.count} queries, "
        f"{sum(r.has_everything for r in sample)} of 20 have it"
    )
    median, p95 = timed(nearest_20)
    print(f"  median {median:.1f} ms, p95 {p95:.1f} ms over {RUNS} runs")
    with QueryCounter() as ctx:
        found = all_with_basket()
    print(
        f"every store of 1,000 that has the 10-line basket, nearest first: {ctx.count} queries, {len(found)} stores"
    )
    median, p95 = timed(all_with_basket)
    print(f"  median {median:.1f} ms, p95 {p95:.1f} ms over {RUNS} runs")


if __name__ == "__main__":
    main()
