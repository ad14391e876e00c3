"""Real concurrent transactions for the race tests (PostgreSQL): actions released together, each
in its own thread and database connection."""

import threading
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, transaction


def together(*actions, refusals: dict[type[Exception], str]) -> list[str]:
    """Run each action at the same moment; each outcome is "ok", or the label ``refusals`` gives
    the exception it raised (any other exception fails the test), in the actions' order."""
    barrier = threading.Barrier(len(actions))

    def run(action):
        try:
            barrier.wait(timeout=30)
            action()
            return "ok"
        except tuple(refusals) as exc:
            return next(label for kind, label in refusals.items() if isinstance(exc, kind))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(actions)) as pool:
        return list(pool.map(run, actions))


def race(n: int, attempt, *, refusals: dict[type[Exception], str]) -> list[str]:
    """``attempt(i)`` for i in 0..n-1, each in its own transaction, all at the same moment."""

    def in_transaction(i):
        with transaction.atomic():
            attempt(i)

    return together(*(lambda i=i: in_transaction(i) for i in range(n)), refusals=refusals)
