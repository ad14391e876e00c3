from django.urls import reverse

from apps.order import pickup_codes, statuses
from tests.factories import OrderFactory, UserFactory


def test_account_shows_channel_status_timeline_and_pickup_code(shop, client):
    shopper = UserFactory()
    client.force_login(shopper)
    order = OrderFactory(
        store=shop["leeds"], lines={shop["lamp"]: 1}, user=shopper, status=statuses.PICKING
    )

    history = " ".join(client.get(reverse("customer:order-list")).content.decode().split())
    assert "Click and collect · Omnishop Leeds" in history and statuses.PICKING in history

    detail = " ".join(
        client.get(reverse("customer:order", args=[order.number])).content.decode().split()
    )
    assert pickup_codes.display(order.pickup_code) in detail and "<svg" in detail
    assert "✔ Placed" in detail and "✔ Picking" in detail
    assert "○ Ready for collection" in detail and "○ Collected" in detail
