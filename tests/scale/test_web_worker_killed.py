"""A web process killed (SIGKILL) while it places an order: the database holds the whole
order or none of it, the ledger balances, and the shopper's retry places exactly one order."""

import json
import os
import signal
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from oscar.core.loading import get_model

from apps.inventory.models import StockMovement
from apps.inventory.selectors import ledger_drift
from tests.scale.farm import Browser, free_port, gunicorn, web_env

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for_file(path, seconds=90):
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"nothing held at the payment in {seconds} s"
        time.sleep(0.1)
    return json.loads(path.read_text())


def backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


def collect_checkout_up_to_review(shopper, shop):
    lamp = shop["lamp"]
    shopper.go("product page", lamp.get_absolute_url(), expect=200)
    shopper.go("add to basket", reverse("basket:add", args=[lamp.pk]), {"quantity": 1}, 302)
    shopper.go(
        "checkout as guest",
        reverse("checkout:index"),
        {"username": "guest@example.com", "options": "anonymous"},
        302,
    )
    shopper.go(
        "collect at Leeds",
        reverse("checkout:fulfilment"),
        {"method": "collect", "store": "leeds", "name": "Ann Other"},
        302,
    )
    shopper.go("review", reverse("checkout:preview"), expect=200)


def test_a_web_worker_killed_while_placing_an_order_leaves_the_whole_order_or_none(
    postgres, shop, tmp_path
):
    hold = tmp_path / "held.json"
    armed = tmp_path / "held.json.armed"
    armed.touch()
    port = free_port()
    env = web_env(
        tmp_path,
        PAYMENT_GATEWAY="tests.scale.faults.GatewayThatHangs",
        SCALE_HOLD_FILE=str(hold),
    )
    web = gunicorn("web", port, env, tmp_path)
    try:
        shopper = Browser(f"http://127.0.0.1:{port}", "shopper")
        collect_checkout_up_to_review(shopper, shop)

        answer = {}

        def place_order():
            try:
                answer["status"] = shopper.go(
                    "place order", reverse("checkout:preview"), {"action": "place_order"}
                )[0]
            except OSError as exc:  # the connection closed with no answer
                answer["error"] = type(exc).__name__

        clicking = threading.Thread(target=place_order)
        clicking.start()
        held = wait_for_file(hold)
        # The order, its allocation and its ledger row are written, not committed...
        assert held["order_written"] and held["allocations"] == 1
        os.kill(held["pid"], signal.SIGKILL)  # ... when the worker dies
        clicking.join(60)

        assert "error" in answer, answer  # the shopper got no answer at all
        deadline = time.monotonic() + 30
        while backend_alive(held["backend"]):  # PostgreSQL ends the dead worker's session
            assert time.monotonic() < deadline, "the killed worker's transaction lives on"
            time.sleep(0.1)
        record = StockRecord.objects.get(partner=shop["leeds"].partner, product=shop["lamp"])
        assert not Order.objects.exists()
        assert not StockMovement.objects.exclude(reason="receipt").exists()
        assert (record.num_in_stock, record.num_allocated) == (2, 0)
        assert list(ledger_drift()) == []
        call_command("check_stock_ledger")  # CommandError on any drift

        armed.unlink()  # the shopper presses Place order again; gunicorn has a new worker
        status, location, _ = shopper.go(
            "place order again", reverse("checkout:preview"), {"action": "place_order"}
        )
        assert status == 302 and location.endswith(reverse("checkout:thank-you"))
        order = Order.objects.get()
        assert order.number == str(held["order"])
        allocations = StockMovement.objects.filter(reason="allocation")
        assert [m.reference for m in allocations] == [order.number]
        record.refresh_from_db()
        assert (record.num_in_stock, record.num_allocated) == (2, 1)
        call_command("check_stock_ledger")
    finally:
        web.stop()
