"""Pages per second of the product and category pages, with and without my store's availability.

Same data, one run: 1,000 products at 101 locations. "without" is a shopper with no store chosen
(the page Oscar would serve, with our bulk loading); "with" adds my store's badges, nearby stores
and ready times. Requests go through Django's test client in-process (no network, one thread).
"""

import os
import time

from _setup import QueryCounter, percentiles, setup

os.environ.setdefault("API_ANON_RATE", "1000000/minute")  # measure the API, not its throttle
setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from oscar.core.loading import get_model  # noqa: E402

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
REQUESTS = 100


def measure(client, url):
    client.get(url)  # warm caches (thumbnails, templates)
    with QueryCounter() as captured:
        assert client.get(url).status_code == 200
    samples = []
    start = time.perf_counter()
    for _ in range(REQUESTS):
        t = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - t) * 1000)
    rate = REQUESTS / (time.perf_counter() - start)
    median, p95 = percentiles(samples)
    return rate, median, p95, captured.count


def main():
    start = time.perf_counter()
    call_command("load_demo", "--products", "1000", "--stores", "100", "--no-progress", verbosity=0)
    print(
        f"loaded 1,000 products x 101 locations (and the search index) in {time.perf_counter() - start:.1f} s"
    )
    pages = {
        "category": Category.objects.get(name="Kitchen").get_absolute_url(),
        "product": Product.objects.get(upc="OMNI-000001").get_absolute_url(),
    }
    without_store = Client()
    with_store = Client()
    with_store.post("/stores/leeds/choose/")
    results = {}
    for name, url in pages.items():
        for label, client in (("without", without_store), ("with", with_store)):
            rate, median, p95, queries = measure(client, url)
            results[(name, label)] = rate
            print(
                f"{name:8} {label:7} my store: {rate:6.1f} pages/s, median {median:5.1f} ms, p95 {p95:5.1f} ms, {queries} queries"
            )
        print(
            f"{name:8} with/without ratio: {results[(name, 'with')] / results[(name, 'without')]:.2f}"
        )
    # The public API on the same data: what the mobile app asks most.
    lamp = Product.objects.get(upc="OMNI-000001")
    api = {
        "API products, 50 a page, with a store": "/api/products/?store=leeds",
        "API product with nearby stores": f"/api/products/{lamp.pk}/?store=leeds",
        "API stores near a point, with a product": f"/api/stores/?lat=53.8&lng=-1.55&product={lamp.pk}",
    }
    client = Client()
    for name, url in api.items():
        rate, median, p95, queries = measure(client, url)
        print(
            f"{name}: {rate:6.1f} requests/s, median {median:5.1f} ms, p95 {p95:5.1f} ms, {queries} queries"
        )


if __name__ == "__main__":
    main()
