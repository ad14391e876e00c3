"""The store console's pickup queue with 1,000 open orders at one store: latency and queries."""

import time

from _setup import QueryCounter, percentiles, setup

setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from apps.order import statuses  # noqa: E402
from apps.stores.models import Location  # noqa: E402
from tests.factories import bulk_pickup_orders  # noqa: E402

REQUESTS = 50


def main():
    call_command("load_demo", "--products", "50", "--no-index", "--no-progress", verbosity=0)
    store = Location.objects.get(code="london-soho")
    for status in (statuses.PLACED, statuses.PICKING, statuses.READY):
        bulk_pickup_orders(
            store, 334 if status == statuses.PLACED else 333, status=status, prefix="B"
        )
    client = Client()
    client.force_login(get_user_model().objects.get(email="staff.london@omnishop.example"))
    url = f"/console/{store.code}/"
    client.get(url)
    with QueryCounter() as captured:
        assert client.get(url).status_code == 200
    samples = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    median, p95 = percentiles(samples)
    print(
        f"queue with 1,000 open orders: median {median:.0f} ms, p95 {p95:.0f} ms, {captured.count} queries"
    )
    with QueryCounter() as captured:
        client.get(url + "?partial=1")
    samples = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        client.get(url + "?partial=1")
        samples.append((time.perf_counter() - start) * 1000)
    median, p95 = percentiles(samples)
    print(
        f"queue refresh (partial): median {median:.0f} ms, p95 {p95:.0f} ms, {captured.count} queries"
    )


if __name__ == "__main__":
    main()
