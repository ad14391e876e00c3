"""The order dashboard: filters by channel (web delivery, web collect, store till), store and
state that combine, each choice counted under the other filters; an order's page shows its
pickup timeline with the reason and note staff gave."""

import re

import pytest
from django.urls import reverse

from apps.order import statuses
from apps.pickup.models import PickupEvent
from tests.factories import OrderFactory


@pytest.fixture
def orders(shop):
    """Leeds: two collect orders (one picking) and a till sale; York: a collect order and a
    till sale; and a web delivery."""
    leeds, york, lamp = shop["leeds"], shop["york"], shop["lamp"]
    return {
        "leeds_placed": OrderFactory(store=leeds, lines={lamp: 1}),
        "leeds_picking": OrderFactory(store=leeds, lines={lamp: 1}, status=statuses.PICKING),
        "leeds_till": OrderFactory(store=leeds, lines={lamp: 1}, channel="store"),
        "york_placed": OrderFactory(store=york, lines={lamp: 1}),
        "york_till": OrderFactory(store=york, lines={lamp: 1}, channel="store"),
        "delivery": OrderFactory(delivery=True, lines={lamp: 1}),
    }


def listed(response) -> set[str]:
    return {order.number for order in response.context["orders"]}


def facet(response, name) -> dict[str, int]:
    """{choice: count} of one filter group."""
    html = response.content.decode().split(f'facet-{name}"')[1].split("</div>")[0]
    return {
        label.strip(): int(n)
        for label, n in re.findall(r">([^<>]+?) \((\d+)\)(?: &times;)?</a>", html)
    }


def test_channel_store_and_state_combine(orders, merchandiser):
    url = reverse("dashboard:order-list")
    numbers = {name: order.number for name, order in orders.items()}

    tills = merchandiser.get(url, {"channel": "till"})
    assert listed(tills) == {numbers["leeds_till"], numbers["york_till"]}
    leeds_tills = merchandiser.get(url, {"channel": "till", "store": "leeds"})
    assert listed(leeds_tills) == {numbers["leeds_till"]}
    leeds_picking = merchandiser.get(
        url, {"channel": "collect", "store": "leeds", "status": statuses.PICKING}
    )
    assert listed(leeds_picking) == {numbers["leeds_picking"]}
    deliveries = merchandiser.get(url, {"channel": "delivery"})
    assert listed(deliveries) == {numbers["delivery"]}


def test_each_choice_is_counted_under_the_other_filters(orders, merchandiser):
    page = merchandiser.get(reverse("dashboard:order-list"), {"store": "leeds"})
    assert facet(page, "channel") == {"Web delivery": 0, "Web collect": 2, "Store till": 1}
    assert facet(page, "store") == {"Omnishop Leeds": 3, "Omnishop York": 2}
    assert facet(page, "status") == {
        statuses.COMPLETED: 1,
        statuses.PICKING: 1,
        statuses.PLACED: 1,
    }
    assert "Store: Omnishop Leeds" in page.content.decode()  # the filter badge
    unfiltered = merchandiser.get(reverse("dashboard:order-list"))
    assert facet(unfiltered, "channel") == {"Web delivery": 1, "Web collect": 3, "Store till": 2}


def test_a_bad_filter_is_named_not_ignored_silently(orders, merchandiser):
    page = merchandiser.get(reverse("dashboard:order-list"), {"store": "mars"})
    assert page.status_code == 200
    assert "Select a valid choice" in page.content.decode()


def test_the_order_page_shows_the_pickup_timeline_with_reason_and_note(orders, merchandiser):
    order = orders["leeds_picking"]
    PickupEvent.objects.create(
        order=order,
        kind=PickupEvent.Kind.CANCELLED,
        detail={"reason": "Damaged in store", "note": "box crushed on the shelf"},
    )
    page = merchandiser.get(reverse("dashboard:order-detail", args=[order.number]))
    timeline = page.content.decode().split('id="pickup-timeline"')[1].split("</table>")[0]
    assert "Picking started" in timeline
    assert '<td class="event-reason">Damaged in store</td>' in timeline
    assert '<td class="event-note">box crushed on the shelf</td>' in timeline
    delivery = merchandiser.get(reverse("dashboard:order-detail", args=[orders["delivery"].number]))
    assert 'id="pickup-timeline"' not in delivery.content.decode()


def test_a_chosen_filter_with_no_orders_still_shows_so_it_can_be_removed(orders, merchandiser):
    page = merchandiser.get(
        reverse("dashboard:order-list"), {"channel": "delivery", "store": "york"}
    )
    assert listed(page) == set()
    assert facet(page, "store") == {"Omnishop York": 0}  # no delivery has a store
    assert facet(page, "channel") == {"Web delivery": 0, "Web collect": 1, "Store till": 1}
    york_link = page.content.decode().split('facet-store"')[1].split("</div>")[0]
    assert 'aria-current="true"' in york_link and "store=york" not in york_link
