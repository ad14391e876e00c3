from django.urls import reverse
from oscar.core.loading import get_model

from apps.order import pickup_codes, statuses
from tests.checkout.conftest import add_to_basket, choose_collect, place_order
from tests.factories import UserFactory

Order = get_model("order", "Order")


def test_account_shows_channel_status_timeline_and_pickup_code(shop, client):
    shopper = UserFactory()
    client.force_login(shopper)
    add_to_basket(client, shop["lamp"])
    client.get(reverse("checkout:index"))
    choose_collect(client, "leeds")
    place_order(client)
    order = Order.objects.get()
    order.set_status(statuses.PICKING)  # what the store console does

    history = " ".join(client.get(reverse("customer:order-list")).content.decode().split())
    assert "Web · collect at Omnishop Leeds" in history and statuses.PICKING in history

    detail = " ".join(
        client.get(reverse("customer:order", args=[order.number])).content.decode().split()
    )
    assert pickup_codes.display(order.pickup_code) in detail and "<svg" in detail
    assert "✔ Placed" in detail and "✔ Picking" in detail
    assert "○ Ready for collection" in detail and "○ Collected" in detail
