"""The store console with 1,000 open orders at one store: the queue page, its refresh, the API's
queue and a year's report; latency and queries."""

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
    base = f"/console/{store.code}/"
    measure(client, "console queue, 1,000 open orders", base)
    measure(client, "queue refresh (partial)", base + "?partial=1")
    measure(client, "API queue (JSON), same orders", f"/api/console/{store.code}/queue/")
    measure(client, "report page, 365 days", base + "reports/?start=2025-11-26&end=2026-11-25")


def measure(client, label, url):
    client.get(url)  # warm: permissions cached, templates compiled
    with QueryCounter() as captured:
        assert client.get(url).status_code == 200
    samples = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    median, p95 = percentiles(samples)
    print(f"{label}: median {median:.0f} ms, p95 {p95:.0f} ms, {captured.count} queries")


if __name__ == "__main__":
    main()
