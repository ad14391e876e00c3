"""The search page served by Whoosh and by PostgreSQL full-text search, side by side.

Same data, one process: the demo shop (``--products``, default 1,000, and 6 stores), indexed
into a throw-away Whoosh folder and into PostgreSQL. Requests go through Django's test client
in-process (no network, one thread), signed in as the demo shopper, so each page is rendered
for them (a visitor's page is kept whole and would not ask the engine at all). Two rounds per
engine: "engine", where every request asks the engine (the kept answers are bypassed), and
"kept", as the shop serves it (answers kept in the cache until the index changes; give
``REDIS_URL`` for the shared cache production has: without it the PostgreSQL engine keeps
nothing, as a local-memory cache cannot see another process's index writes). Prints
req/s, p50 and p99 ms and the SQL queries of one page; then the engine alone (what a search
page asks of Haystack: the count, a page of 24 and the facets, without rendering); then the
time to build each index.

    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/search_engines.py \
        [--products 1000] [--requests 100] [--keep] [--engine-only]
"""

import argparse
import os
import tempfile
import time

os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/omnishop_search_bench"
)
os.environ.pop("SEARCH_ENGINE", None)
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"  # one process: no worker to wait for

from _setup import QueryCounter, setup  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--products", type=int, default=1000)
parser.add_argument("--requests", type=int, default=100, help="requests per page and round")
parser.add_argument("--keep", action="store_true", help="reuse the bench database if loaded")
parser.add_argument("--engine-only", action="store_true", help="only the engine alone, no pages")
args = parser.parse_args()
setup(fresh=not args.keep)

import haystack  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from oscar.apps.search.facets import base_sqs  # noqa: E402
from oscar.core.loading import get_model  # noqa: E402

from apps.search import backends  # noqa: E402
from apps.storefront import fragments  # noqa: E402

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ENGINES = {
    "whoosh": {"ENGINE": "apps.search.backends.WhooshEngine", "PATH": tempfile.mkdtemp()},
    "postgres": {"ENGINE": "apps.search.backends.PostgresEngine"},
}
QUERIES = ["lamp", "desk lamp", "classic", "kitchen", "click and collect"]


def use(engine: str) -> float:
    """Make ``engine`` the shop's search and build its index; seconds it took."""
    info = haystack.connections.connections_info
    info["default"] = {**info["default"], **ENGINES[engine]}
    haystack.connections.reload("default")
    start = time.perf_counter()
    call_command("rebuild_index", "--noinput", verbosity=0)
    return time.perf_counter() - start


def percentile(samples, share):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(client, url, *, fresh: bool):
    kept_search = backends.KeptAnswers.search
    if fresh:  # every request asks the engine itself
        backends.KeptAnswers.search = lambda self, q, **kw: super(
            backends.KeptAnswers, self
        ).search(q, **kw)
    try:
        assert client.get(url).status_code == 200  # warm: templates, thumbnails, the answer
        with QueryCounter() as captured:
            client.get(url)
        samples = []
        start = time.perf_counter()
        for _ in range(args.requests):
            began = time.perf_counter()
            client.get(url)
            samples.append((time.perf_counter() - began) * 1000)
        rate = args.requests / (time.perf_counter() - start)
    finally:
        backends.KeptAnswers.search = kept_search
    return rate, percentile(samples, 0.5), percentile(samples, 0.99), captured.count


def engine_alone(words: str):
    """ms p50, p99 and queries of the Haystack calls a search page makes, the engine asked."""
    kept_search = backends.KeptAnswers.search
    backends.KeptAnswers.search = lambda self, q, **kw: super(backends.KeptAnswers, self).search(
        q, **kw
    )

    def ask():
        sqs = base_sqs().auto_query(words)
        sqs.count(), list(sqs[:24]), sqs.facet_counts()

    try:
        ask()
        with QueryCounter() as captured:
            ask()
        samples = []
        for _ in range(args.requests * 2):
            began = time.perf_counter()
            ask()
            samples.append((time.perf_counter() - began) * 1000)
    finally:
        backends.KeptAnswers.search = kept_search
    return percentile(samples, 0.5), percentile(samples, 0.99), captured.count


def main():
    if not args.keep or not Product.objects.exists():
        start = time.perf_counter()
        call_command(
            "load_demo", "--products", str(args.products), "--stores", "6", "--no-index",
            "--no-progress", verbosity=0,
        )  # fmt: skip
        print(f"loaded {Product.objects.count()} products in {time.perf_counter() - start:.0f} s")
    client = Client()
    client.force_login(get_user_model().objects.get(email="shopper@omnishop.example"))
    pages = {f"search {q!r}": f"/search/?q={q.replace(' ', '+')}" for q in QUERIES}
    pages["category Kitchen"] = Category.objects.get(name="Kitchen").get_absolute_url()
    if args.engine_only:
        pages = {}
    figures, built = {}, {}
    for engine in ENGINES:
        built[engine] = use(engine)
        fragments.forget()
        for page, url in pages.items():
            for mode in ("engine", "kept"):
                figures[(page, mode, engine)] = measure(client, url, fresh=mode == "engine")
        for words in QUERIES:
            figures[(words, "alone", engine)] = engine_alone(words)
    print(
        f"\n{Product.objects.count()} products, {args.requests} requests a page, test client "
        "in-process, signed-in shopper\n"
    )
    print("| page | answers | Whoosh req/s | PostgreSQL req/s | p50 ms W / PG | p99 ms W / PG "
          "| queries W / PG |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for page in pages:
        for mode in ("engine", "kept"):
            w, p = figures[(page, mode, "whoosh")], figures[(page, mode, "postgres")]
            print(
                f"| {page} | {mode} | {w[0]:.1f} | {p[0]:.1f} | {w[1]:.1f} / {p[1]:.1f} "
                f"| {w[2]:.1f} / {p[2]:.1f} | {w[3]} / {p[3]} |"
            )
    print("\nThe engine alone: count, a page of 24 and the facets of a search, not rendered\n")
    print("| search | p50 ms Whoosh / PG | p99 ms Whoosh / PG | queries Whoosh / PG |")
    print("| --- | --- | --- | --- |")
    for words in QUERIES:
        w, p = figures[(words, "alone", "whoosh")], figures[(words, "alone", "postgres")]
        print(
            f"| {words!r} | {w[0]:.1f} / {p[0]:.1f} | {w[1]:.1f} / {p[1]:.1f} | {w[2]} / {p[2]} |"
        )
    print(f"\nrebuild_index: Whoosh {built['whoosh']:.1f} s, PostgreSQL {built['postgres']:.1f} s")


main()
