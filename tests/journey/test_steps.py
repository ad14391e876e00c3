"""The storefront's journey steps: a product page seen with a chosen store's availability and
an addition to the basket are counted per day, store and product, and nothing about the
shopper is kept."""

from django.utils import timezone

from apps.journey import services as journey
from apps.journey.models import StepCount
from tests.checkout.conftest import add_to_basket


def counts():
    return sorted(
        StepCount.objects.values_list("kind", "location__code", "product__title", "count", "date")
    )


def test_views_and_additions_with_a_store_are_counted_without_the_shopper(shop, client):
    journey.forget_counted()
    lamp = shop["lamp"]
    client.get(lamp.get_absolute_url())  # no store chosen: no availability at a store shown
    client.post("/stores/leeds/choose/")
    client.get(lamp.get_absolute_url())
    client.get(lamp.get_absolute_url())
    add_to_basket(client, lamp)
    assert journey.write_counted() == 3
    today = timezone.localdate()
    assert counts() == [
        ("added", "leeds", "Desk Lamp", 1, today),
        ("viewed", "leeds", "Desk Lamp", 2, today),
    ]
    client.get(lamp.get_absolute_url())
    assert journey.write_counted() == 1  # each step written once, added to its day's row
    assert StepCount.objects.get(kind="viewed").count == 3


def test_a_step_row_holds_no_personal_data():
    columns = {f.name for f in StepCount._meta.get_fields()}
    assert columns == {"id", "kind", "date", "location", "product", "count"}
