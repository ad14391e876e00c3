"""Any request can go to any web process: two gunicorn processes behind haproxy (round robin)
on one PostgreSQL database and one Redis serve a guest's click-and-collect checkout, the
store's hand-over in the console and search, request by request in turn. Prints which process
answered what (bench/README.md keeps a copy of that table)."""

import itertools
import subprocess
import sys

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from apps.inventory.selectors import ledger_drift
from apps.order import statuses
from apps.stores.models import StoreStaff
from tests.factories import StoreStaffFactory, UserFactory
from tests.scale.farm import (
    PICKUP_CODE,
    ROOT,
    Browser,
    answering,
    free_port,
    gunicorn,
    haproxy,
    needs_haproxy,
    needs_redis,
    web_env,
)

Order = get_model("order", "Order")

pytestmark = pytest.mark.django_db(transaction=True)

#: The shared search engine every web process reads (PostgreSQL full text, in the database).
SEARCH_ENGINE = "apps.search.backends.PostgresEngine"


@pytest.fixture
def farm(postgres, shop, tmp_path):
    """Starts haproxy on a port of its own, round robin over web1 and web2 (one gunicorn worker
    each, with the settings given), and answers its address. Each process has its own local
    folders (a Whoosh index there would be its own): what they share is the database, Redis
    and the media folder. Everything started is stopped by its PID."""
    needs_redis()
    binary = needs_haproxy()
    processes = []

    def start(*, index: bool = True, **settings):
        env = {}
        for name in ("web1", "web2"):
            (tmp_path / name).mkdir()
            env[name] = web_env(
                tmp_path,
                SEARCH_ENGINE=SEARCH_ENGINE,
                SEARCH_INDEX_PATH=str(tmp_path / name / "whoosh"),
                **settings,
            )
        ports = {name: free_port() for name in env}
        for name, port in ports.items():
            processes.append(gunicorn(name, port, env[name], tmp_path, wait=False))
        # The product index, written once into the shared engine (the database).
        if index:
            subprocess.run(
                [sys.executable, "manage.py", "update_index", "--verbosity", "0"],
                cwd=ROOT,
                env=env["web1"],
                check=True,
                timeout=300,
            )
        for process in processes:
            answering(process)
        front = free_port()
        processes.append(haproxy(binary, front, ports, tmp_path))
        return f"http://127.0.0.1:{front}"

    try:
        yield start
    finally:
        for process in reversed(processes):
            process.stop()


def served_in_turn(visits) -> list[str]:
    servers = [served for *_, served in visits]
    assert set(servers) == {"web1", "web2"}
    assert all(a != b for a, b in itertools.pairwise(servers)), transcript(visits)
    return servers


def transcript(visits) -> str:
    lines = [
        "Two web processes (gunicorn, one worker each) behind haproxy, round robin;",
        "one PostgreSQL database, one Redis (cache, sessions), search in PostgreSQL.",
        "",
        f"{'who':8}  {'request':34}  {'status':6}  answered by",
    ]
    lines += [f"{who:8}  {what:34}  {status:<6}  {served}" for who, what, status, served in visits]
    return "\n".join(lines)


def report(name: str, visits):
    """Print which process answered what, and keep it in test-results/scale/ (ignored)."""
    table = transcript(visits)
    print("\n" + table)
    out = ROOT / "test-results" / "scale"
    out.mkdir(parents=True, exist_ok=True)
    (out / name).write_text(table + "\n")


def test_a_collect_checkout_hand_over_and_search_served_by_two_processes_in_turn(farm, shop):
    base = farm()
    lamp, leeds = shop["lamp"], shop["leeds"]
    staff = UserFactory(email="staff.leeds@example.com", password="leeds-staff-pass-1")
    StoreStaffFactory(location=leeds, user=staff, role=StoreStaff.Role.ASSOCIATE)

    shopper = Browser(base, "shopper")
    shopper.go("product page", lamp.get_absolute_url(), expect=200)
    shopper.go("add to basket", reverse("basket:add", args=[lamp.pk]), {"quantity": 1}, 302)
    _, _, basket = shopper.go("basket", reverse("basket:summary"), expect=200)
    assert "Desk Lamp" in basket  # the basket added on the other process
    shopper.go(
        "checkout as guest",
        reverse("checkout:index"),
        {"username": "guest@example.com", "options": "anonymous"},
        302,
    )
    shopper.go("delivery or collect", reverse("checkout:fulfilment"), expect=200)
    shopper.go(
        "collect at Omnishop Leeds",
        reverse("checkout:fulfilment"),
        {"method": "collect", "store": "leeds", "name": "Ann Other"},
        302,
    )
    _, _, review = shopper.go("review", reverse("checkout:preview"), expect=200)
    assert "Click and collect at Omnishop Leeds" in " ".join(review.split())
    shopper.go("place order", reverse("checkout:preview"), {"action": "place_order"}, 302)
    _, _, thanks = shopper.go("thank-you page", reverse("checkout:thank-you"), expect=200)
    order = Order.objects.get()
    shown = PICKUP_CODE.search(thanks)
    assert shown and shown.group().replace("-", "") == order.pickup_code

    clerk = Browser(base, "staff")
    clerk.go("sign-in page", reverse("customer:login"), expect=200)
    clerk.go(
        "sign in",
        reverse("customer:login"),
        {
            "login-username": staff.email,
            "login-password": "leeds-staff-pass-1",
            "login_submit": "Log In",
        },
        302,
    )
    queue = clerk.go("pickup queue", reverse("console:queue", args=["leeds"]), expect=200)[2]
    assert order.number in queue

    def act(action, what, **form):
        path = reverse("console:action", args=["leeds", order.number, action])
        clerk.go(what, path, form, 302)

    act("start-picking", "start picking")
    for line in order.lines.all():
        act("picked", f"picked line {line.pk}", line=line.pk)
    act("ready", "ready for collection")
    act("hand-over", "hand over with the pickup code", code=shown.group())
    page = clerk.go(
        "order page", reverse("console:order", args=["leeds", order.number]), expect=200
    )[2]
    assert "Handed over. Order collected." in page  # the message, kept by the other process
    order.refresh_from_db()
    assert order.status == statuses.COLLECTED

    found = [
        shopper.go(f"search 'desk lamp' ({n})", "/search/?q=desk+lamp", expect=200)[2]
        for n in (1, 2)
    ]
    assert all(lamp.get_absolute_url() in page for page in found)

    in_order = shopper.visits[:-2] + clerk.visits + shopper.visits[-2:]  # as they were sent
    report("two-processes.txt", in_order)

    served_in_turn(in_order)
    assert {served for *_, served in shopper.visits[-2:]} == {"web1", "web2"}  # search on both
    assert list(ledger_drift()) == []


def test_sign_in_lockouts_and_api_rate_limits_count_across_processes(farm, shop):
    """django-axes' failures (in the database) and DRF's throttle (in Redis) are shared: five
    wrong passwords spread over both processes lock the account out on both, and the
    anonymous API's allowance is one allowance, whichever process answers."""
    base = farm(index=False, API_ANON_RATE="4/minute", AXES_FAILURE_LIMIT="5")
    UserFactory(email="shona@example.com", password="right-pass-123")
    visitor = Browser(base, "visitor")
    visitor.go("sign-in page", reverse("customer:login"), expect=200)

    def sign_in(what, password, expect):
        form = {"login-username": "shona@example.com", "login-password": password}
        return visitor.go(what, reverse("customer:login"), {**form, "login_submit": "1"}, expect)

    for n in range(1, 5):
        sign_in(f"wrong password ({n})", "wrong-pass", 200)
    sign_in("wrong password (5)", "wrong-pass", 429)
    _, _, page = sign_in("right password, locked out", "right-pass-123", 429)
    assert "Too many sign-in attempts" in page

    statuses = [visitor.go(f"API stores ({n})", "/api/stores/")[0] for n in range(1, 7)]
    assert statuses == [200, 200, 200, 200, 429, 429]

    report("two-processes-limits.txt", visitor.visits)
    served_in_turn(visitor.visits)
