"""Two "Place order" requests for one basket at the same moment, on PostgreSQL: one order."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from apps.inventory.models import StockMovement
from tests.checkout.conftest import add_to_basket, choose_collect, start_guest_checkout

Order = get_model("order", "Order")

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_place_order_requests_create_one_order(postgres, shop):
    client = Client()
    add_to_basket(client, shop["lamp"])
    start_guest_checkout(client)
    choose_collect(client, "leeds")

    barrier = threading.Barrier(2)
    statuses = []

    def click():
        twin = Client()
        twin.cookies = client.cookies  # the same browser session, clicked twice
        barrier.wait()
        try:
            statuses.append(
                twin.post(reverse("checkout:preview"), {"action": "place_order"}).status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert sorted(statuses) == [302, 302]
    assert Order.objects.count() == 1
    assert StockMovement.objects.filter(reason="allocation").count() == 1
