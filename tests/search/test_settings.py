"""Which search engine the settings choose: Whoosh on the embedded default, PostgreSQL when
the database is, and any Haystack engine named by SEARCH_ENGINE (with SEARCH_URL for a search
server such as Elasticsearch, which is configured here but not run)."""

import json
import os
import subprocess
import sys

from django.conf import settings

READ = (
    "import json; from django.conf import settings; "
    "print(json.dumps(settings.HAYSTACK_CONNECTIONS['default']))"
)
ES7 = "haystack.backends.elasticsearch7_backend.Elasticsearch7SearchEngine"


def settings_with(**env) -> subprocess.CompletedProcess:
    unset = ("DATABASE_URL", "SEARCH_ENGINE", "SEARCH_URL", "SEARCH_INDEX_NAME", "DJANGO_ENV")
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment |= {"DJANGO_SETTINGS_MODULE": "config.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", READ],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def connection(**env) -> dict:
    answer = settings_with(**env)
    assert answer.returncode == 0, answer.stderr
    return json.loads(answer.stdout)


def test_the_embedded_default_searches_with_whoosh_on_disk():
    default = connection()
    assert default["ENGINE"] == "apps.search.backends.WhooshEngine"
    assert default["PATH"].endswith("whoosh_index")


def test_on_postgresql_the_shared_database_is_the_search_engine():
    default = connection(DATABASE_URL="postgres://shop@db:5432/omnishop")
    assert default["ENGINE"] == "apps.search.backends.PostgresEngine"


def test_search_engine_names_the_engine_whatever_the_database():
    default = connection(
        DATABASE_URL="postgres://shop@db:5432/omnishop",
        SEARCH_ENGINE="apps.search.backends.WhooshEngine",
    )
    assert default["ENGINE"] == "apps.search.backends.WhooshEngine"


def test_elasticsearch_through_haystacks_own_backend():
    default = connection(
        DATABASE_URL="postgres://shop@db:5432/omnishop",
        SEARCH_ENGINE=ES7,
        SEARCH_URL="http://search.internal:9200/",
        SEARCH_INDEX_NAME="omnishop-products",
    )
    assert (default["ENGINE"], default["URL"], default["INDEX_NAME"]) == (
        ES7,
        "http://search.internal:9200/",
        "omnishop-products",
    )
    assert default["INCLUDE_SPELLING"] is False


def test_a_search_url_without_an_engine_is_refused_saying_what_to_set():
    answer = settings_with(SEARCH_URL="http://search.internal:9200/")
    assert answer.returncode != 0
    assert "SEARCH_URL is set but SEARCH_ENGINE is not" in answer.stderr
