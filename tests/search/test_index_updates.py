"""A product changed in any process is indexed again by a Celery task once the change
commits (eager here, as on the embedded default): found when saved, gone when hidden or
deleted, at its new price when the warehouse's price changes; one task per transaction,
each product once."""

from decimal import Decimal

import pytest
from django.db import transaction
from oscar.apps.search.facets import base_sqs

from apps.search import processors
from apps.search.tasks import update_product_index
from tests.factories import LocationFactory, ProductFactory, stock
from tests.search.conftest import index_all


@pytest.fixture
def sent(monkeypatch):
    """The product ids of each task sent (the task still runs)."""
    calls = []
    delay = update_product_index.delay

    def recorded(product_ids):
        calls.append(product_ids)
        return delay(product_ids)

    monkeypatch.setattr(update_product_index, "delay", recorded)
    return calls


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the commit, as a real commit does."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def found(words: str) -> list[str]:
    return [r.object.title for r in base_sqs().auto_query(words)]


def test_a_saved_product_is_found_and_a_hidden_or_deleted_one_is_not(pg_search, committed, sent):
    index_all(pg_search)
    with committed():
        lamp = ProductFactory(title="Brass Desk Lamp")
        kettle = ProductFactory(title="Copper Kettle")
    assert found("brass") == ["Brass Desk Lamp"]
    assert found("kettles") == ["Copper Kettle"]

    with committed():
        lamp.is_public = False
        lamp.save()
    assert found("brass") == []

    kettle_id = kettle.pk
    with committed():
        kettle.delete()
    assert found("kettle") == []
    assert sent == [sorted([lamp.pk, kettle_id]), [lamp.pk], [kettle_id]]


def test_a_new_warehouse_price_reorders_the_listing(pg_search, committed):
    warehouse = LocationFactory(code="web", name="Online warehouse", kind="warehouse")
    with committed():
        cheap, dear = ProductFactory(title="Cheap Mug"), ProductFactory(title="Dear Mug")
        stock(warehouse, cheap, 0, price=Decimal("5.00"))
        record = stock(warehouse, dear, 0, price=Decimal("50.00"))
    assert found("mug") and [r.object.title for r in base_sqs().order_by("price")] == [
        "Cheap Mug",
        "Dear Mug",
    ]
    with committed():
        record.price = Decimal("1.00")
        record.save()
    assert [r.object.title for r in base_sqs().order_by("price")] == ["Dear Mug", "Cheap Mug"]


def test_one_transaction_sends_one_task_naming_each_product_once(pg_search, committed, sent):
    with committed(), transaction.atomic():
        first, second = ProductFactory(title="Oak Shelf"), ProductFactory(title="Pine Shelf")
        for _ in range(3):
            first.save()
        second.save()
    assert sent == [sorted([first.pk, second.pk])]
    assert sorted(found("shelf")) == ["Oak Shelf", "Pine Shelf"]


def test_a_large_change_is_sent_in_batches(pg_search, committed, sent, monkeypatch):
    monkeypatch.setattr(processors, "BATCH", 2)
    with committed(), transaction.atomic():
        products = [ProductFactory(title=f"Stool {i}") for i in range(3)]
    ids = sorted(p.pk for p in products)
    assert sent == [ids[:2], ids[2:]]
    assert len(found("stool")) == 3


def test_a_change_rolled_back_sends_nothing(pg_search, committed, sent):
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        ProductFactory(title="Ghost Chair")
        raise RuntimeError("the request failed")
    with committed():
        ProductFactory(title="Real Chair")
    assert len(sent) == 1
    assert found("chair") == ["Real Chair"]
