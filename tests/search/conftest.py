import pytest
from django.db import transaction

from tests.conftest import needs_postgres

WHOOSH = "apps.search.backends.WhooshEngine"
POSTGRES = "apps.search.backends.PostgresEngine"


def switch(alias: str, info: dict | None) -> None:
    import haystack

    if info is None:
        haystack.connections.connections_info.pop(alias, None)
    else:
        haystack.connections.connections_info[alias] = info
    haystack.connections.thread_local.__dict__.get("connections", {}).pop(alias, None)


@pytest.fixture
def pg_search(db):
    """The shop's search (the "default" connection) on the PostgreSQL engine: it is already
    when DATABASE_URL is PostgreSQL and SEARCH_ENGINE is unset, as in CI."""
    import haystack

    needs_postgres()
    before = dict(haystack.connections.connections_info["default"])
    switch("default", {**before, "ENGINE": POSTGRES})
    yield haystack.connections["default"]
    switch("default", before)


@pytest.fixture
def both_engines(db, tmp_path):
    """Whoosh (in a throw-away folder) and PostgreSQL side by side, as the connections
    "whoosh" and "postgres" (the shop keeps searching "default")."""
    import haystack

    needs_postgres()
    switch("whoosh", {"ENGINE": WHOOSH, "PATH": str(tmp_path / "whoosh")})
    switch("postgres", {"ENGINE": POSTGRES})
    yield haystack.connections
    switch("whoosh", None)
    switch("postgres", None)


@pytest.fixture
def demo_catalogue(db):
    """The demo's 150 products in 12 categories (titles, categories, descriptions), without
    the stores and stock that ``load_demo`` adds."""
    from apps.demo.loader import DemoLoader

    with transaction.atomic():
        return [p for p, _price in DemoLoader(products=150, progress=False).load_catalogue()]


def index_all(connection) -> None:
    """Index every browsable product into this connection, as ``rebuild_index`` does."""
    from oscar.core.loading import get_model

    index = connection.get_unified_index().get_index(get_model("catalogue", "Product"))
    connection.get_backend().clear()
    connection.get_backend().update(index, list(index.index_queryset()))
