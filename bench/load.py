"""Proof under load: gunicorn + PostgreSQL, shoppers checking out click and collect over HTTP
while store staff work the queue through the REST API, all racing for one store's stock.

Prints requests/s, latency percentiles per step, orders placed against units on the shelf, and
whether the stock ledger still balances. Usage:

    .venv/bin/python bench/load.py [shoppers] [units] [seconds]      # defaults 16 100 60

Shoppers and staff are threads in this process speaking plain HTTP (urllib, cookies, CSRF), so
everything goes through gunicorn, Django's middleware and the database like a real visit.
"""

import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict

import _visitor
from _setup import BENCH_URL, ROOT, percentiles, setup

setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.urls import reverse  # noqa: E402
from oscar.core.loading import get_model  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from apps.inventory import services as stock  # noqa: E402
from apps.inventory.selectors import ledger_drift  # noqa: E402
from apps.stores.models import Location  # noqa: E402

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

SHOPPERS = int(sys.argv[1]) if len(sys.argv) > 1 else 16
UNITS = int(sys.argv[2]) if len(sys.argv) > 2 else 100
SECONDS = int(sys.argv[3]) if len(sys.argv) > 3 else 60
PORT = 8931
BASE = f"http://127.0.0.1:{PORT}"
STORE = "london-soho"

timings = defaultdict(list)  # step -> latencies in ms
outcomes = defaultdict(int)
placed_at = []  # when each order was placed (monotonic clock)
lock = threading.Lock()


class Visitor(_visitor.Visitor):
    """Records each step's latency and the outcomes that matter under load."""

    def __init__(self, token=None):
        super().__init__(BASE, token)

    def request(self, step, path, data=None, json_body=None):
        status, location, text, ms = self.fetch(path, data, json_body)
        with lock:
            timings[step].append(ms)
            if status >= 500:
                outcomes["server errors"] += 1
            if status == 409:  # a colleague moved the order first: refused, nothing changed
                outcomes["staff refused: wrong state (409)"] += 1
        return status, location, text


def shopper(n, product, deadline):
    """Browse, add the hot product, check out collecting at the store; again until time is up."""
    urls = {
        "add": reverse("basket:add", args=[product.pk]),
        "index": reverse("checkout:index"),
        "fulfilment": reverse("checkout:fulfilment"),
        "preview": reverse("checkout:preview"),
    }
    while time.monotonic() < deadline:
        visitor = Visitor()
        visitor.request("home", "/")
        visitor.request("product page", product.get_absolute_url())
        visitor.request("add to basket", urls["add"], {"quantity": 1})
        visitor.request(
            "checkout: guest",
            urls["index"],
            {"username": f"shopper{n}@example.com", "options": "anonymous"},
        )
        status, location, _ = visitor.request(
            "checkout: collect",
            urls["fulfilment"],
            {"method": "collect", "store": STORE, "name": f"Shopper {n}"},
        )
        if status != 302:  # the store no longer has it: the form says so
            with lock:
                outcomes["refused at the store choice"] += 1
            continue
        status, location, _ = visitor.request(
            "checkout: place order", urls["preview"], {"action": "place_order"}
        )
        with lock:
            if location.endswith(reverse("checkout:thank-you")):
                outcomes["orders placed"] += 1
                placed_at.append(time.monotonic())
            else:
                outcomes["refused at place order (sold meanwhile)"] += 1


def staff(token, deadline):
    """Work the store's queue through the API: pick, confirm, ready, hand over."""
    import json

    visitor = Visitor(token=token)
    api = f"/api/console/{STORE}"
    while time.monotonic() < deadline + 5:
        _, _, text = visitor.request("API: queue", f"{api}/queue/")
        groups = {group["key"]: group["orders"] for group in json.loads(text)}
        todo = groups["to-pick"] + groups["ready"]
        if not todo and time.monotonic() > deadline:
            break
        for summary in todo[:5]:
            number = summary["number"]
            if summary["status"] == "Placed":
                _, _, text = visitor.request(
                    "API: start picking", f"{api}/orders/{number}/start-picking/", json_body="{}"
                )
                for line in json.loads(text).get("lines", []):
                    visitor.request(
                        "API: line picked",
                        f"{api}/orders/{number}/lines/{line['id']}/picked/",
                        json_body="{}",
                    )
                visitor.request("API: ready", f"{api}/orders/{number}/ready/", json_body="{}")
            else:
                code = Order.objects.get(number=number).pickup_code  # the shopper shows it
                status, _, _ = visitor.request(
                    "API: hand over",
                    f"{api}/orders/{number}/hand-over/",
                    json_body=json.dumps({"code": code}),
                )
                if status == 200:
                    with lock:
                        outcomes["handed over"] += 1
        time.sleep(0.2)


def main():
    call_command("load_demo", "--products", "200", "--no-progress", verbosity=0)
    store = Location.objects.get(code=STORE)
    product = Product.objects.filter(stockrecords__partner=store.partner).order_by("pk").first()
    record = StockRecord.objects.get(partner=store.partner, product=product)
    stock.count(location=store, counts={product.pk: UNITS}, note="load test")
    # Only this store can offer it for collection (the warehouse keeps it buyable online).
    other_stores = StockRecord.objects.filter(product=product, partner__location__kind="store")
    for other in other_stores.exclude(pk=record.pk):
        stock.count(location=other.partner.location, counts={product.pk: 0}, note="load test")
    user = get_user_model().objects.get(email="staff.london@omnishop.example")
    token = Token.objects.get_or_create(user=user)[0].key

    env = {
        **os.environ,
        "DATABASE_URL": BENCH_URL,
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    env.pop("REDIS_URL", None)  # e-mails are sent in the request (eager Celery): the slow case
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "3",
            "--threads",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(BASE + "/", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.3)
        started = time.monotonic()
        deadline = started + SECONDS
        threads = [
            threading.Thread(target=shopper, args=(n, product, deadline)) for n in range(SHOPPERS)
        ]
        threads += [threading.Thread(target=staff, args=(token, deadline)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)

    requests = sum(len(samples) for samples in timings.values())
    print(
        f"{SHOPPERS} shoppers + 2 staff (API) for {elapsed:.0f} s against gunicorn (3 workers x 2 threads)"
    )
    print(f"{requests} requests, {requests / elapsed:.1f} requests/s")
    for step, samples in timings.items():
        median, p95 = percentiles(samples)
        print(f"  {step:32} {len(samples):5d}  median {median:6.0f} ms  p95 {p95:6.0f} ms")
    if placed_at:
        selling = max(placed_at) - started
        print(
            f"orders placed: {len(placed_at)} in {selling:.0f} s until sold out or time up "
            f"({len(placed_at) / selling:.2f} orders/s)"
        )
    for name, count in sorted(outcomes.items()):
        print(f"{name}: {count}")
    record.refresh_from_db()
    placed = Order.objects.filter(pickup_location=store, lines__product=product).count()
    print(
        f"units on the shelf at the start: {UNITS}; orders placed: {placed}; "
        f"left: on hand {record.num_in_stock}, allocated {record.num_allocated}; "
        f"oversold: {max(placed - UNITS, 0)}"
    )
    drift = list(ledger_drift())
    print(f"ledger: {'balanced' if not drift else f'{len(drift)} records drift'}")


if __name__ == "__main__":
    main()
