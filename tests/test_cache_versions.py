"""The shared cache's versions are read once a request, in one round trip, and small values
kept by version are also kept in the process (config/cache.py)."""

import uuid
from unittest import mock

from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from config import cache as versions
from config.cache import CacheVersion, kept, versions_once_a_request

FIRST = CacheVersion(f"test:first-{uuid.uuid4().hex}")
SECOND = CacheVersion(f"test:second-{uuid.uuid4().hex}")


def serve(view):
    return versions_once_a_request(view)(RequestFactory().get("/"))


def test_a_request_reads_every_version_in_one_round_trip_and_keeps_it_to_the_end():
    FIRST.replace()
    before = FIRST.current()
    read = {}

    def view(request):
        with mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many:
            read["first"] = FIRST.current()
            read["second"] = SECOND.current()
            cache.set(FIRST.key, "changed-by-another-process", timeout=None)
            read["first again"] = FIRST.current()
        read["round trips"] = get_many.call_count
        return HttpResponse()

    serve(view)

    assert read["round trips"] == 1
    assert read["first"] == read["first again"] == before
    assert read["second"] == SECOND.current() != ""
    assert serve(lambda request: HttpResponse(FIRST.current())).content == (
        b"changed-by-another-process"
    )


def test_a_version_the_request_replaces_is_the_one_it_reads_after():
    def view(request):
        old = FIRST.current()
        FIRST.replace()
        return HttpResponse(f"{old} {FIRST.current()}")

    old, new = serve(view).content.decode().split()
    assert old != new == FIRST.current()


def test_a_kept_value_is_read_from_the_process_and_a_new_version_computes_it_again():
    computed = []

    def compute():
        computed.append(1)
        return ["ids", len(computed)]

    version = uuid.uuid4().hex
    key = f"test:kept:{version}"
    assert kept(key, compute, 60, versions=(version,)) == ["ids", 1]
    cache.delete(key)  # the shared copy gone: this process still has it
    assert kept(key, compute, 60, versions=(version,)) == ["ids", 1]

    newer = uuid.uuid4().hex
    assert kept(f"test:kept:{newer}", compute, 60, versions=(newer,)) == ["ids", 2]


def test_with_a_version_unknown_nothing_is_kept_in_the_process():
    key = f"test:kept-unknown:{uuid.uuid4().hex}"
    assert kept(key, lambda: ["ids"], 60, versions=("",)) == ["ids"]
    assert key not in versions._local
    cache.delete(key)
    assert kept(key, lambda: ["read again"], 60, versions=("",)) == ["read again"]
