"""Faults for the scale tests: the database connection of a request cut from another
connection, as a fail-over, a restart or an administrator would cut it."""

from django.db import connection, connections

from apps.checkout.payment import TestGateway


def terminate_own_backend() -> int:
    """End this thread's PostgreSQL backend with ``pg_terminate_backend`` from a second
    connection, as the server does in a fail-over; the next query on it fails. Returns its pid."""
    pid = connection.connection.info.backend_pid
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            assert cursor.fetchone() == (True,)
    finally:
        other.close()
    return pid


class GatewayThatLosesTheDatabase(TestGateway):
    """A payment gateway that, at the moment it is asked to authorise (the order, its allocation
    and its ledger rows are written, not committed), has the request's database connection
    cut. ``seen`` records what was half-written at that moment."""

    name = "Test payment"
    seen: list[dict] = []

    def authorize(self, *, order_number, amount, currency, payment_method=""):
        from oscar.core.loading import get_model

        from apps.inventory.models import StockMovement

        Order = get_model("order", "Order")
        self.seen.append(
            {
                "order": Order.objects.filter(number=order_number).exists(),
                "allocations": StockMovement.objects.filter(
                    reason="allocation", reference=order_number
                ).count(),
            }
        )
        terminate_own_backend()
        return super().authorize(order_number=order_number, amount=amount, currency=currency)


class GatewayThatHangs(TestGateway):
    """A payment gateway for a web process under test (``PAYMENT_GATEWAY``): while the file
    ``$SCALE_HOLD_FILE.armed`` exists it writes down, in ``$SCALE_HOLD_FILE``, its process,
    its database backend and what the order has written so far (uncommitted), then waits to be
    killed. Otherwise it approves, as the test gateway does."""

    name = "Test payment"

    def authorize(self, *, order_number, amount, currency, payment_method=""):
        import json
        import os
        import time
        from pathlib import Path

        from django.db import connection
        from oscar.core.loading import get_model

        from apps.inventory.models import StockMovement

        hold = Path(os.environ["SCALE_HOLD_FILE"])
        if Path(f"{hold}.armed").exists():
            Order = get_model("order", "Order")
            written = {
                "pid": os.getpid(),
                "backend": connection.connection.info.backend_pid,
                "order": order_number,
                "order_written": Order.objects.filter(number=order_number).exists(),
                "allocations": StockMovement.objects.filter(
                    reason="allocation", reference=order_number
                ).count(),
            }
            hold.with_suffix(".tmp").write_text(json.dumps(written))
            hold.with_suffix(".tmp").rename(hold)
            time.sleep(300)  # until the test kills this process
        return super().authorize(order_number=order_number, amount=amount, currency=currency)
