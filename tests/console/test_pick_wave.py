"""Wave picking: one list of everything the waiting orders need, by product, and one button."""

from django.urls import reverse

from apps.checkout.services import place_collect_order
from apps.order import statuses
from apps.pickup import services
from tests.factories import ProductFactory, StoreStaffFactory, UserFactory, stock


def text(response):
    return " ".join(response.content.decode().split())


def test_the_wave_gathers_waiting_orders_by_product_and_starts_them(shop, client):
    mug = ProductFactory(title="Mug", upc="MUG-1")
    stock(shop["warehouse"], mug, 10)
    stock(shop["leeds"], mug, 5)
    shopper = UserFactory(email="shona@example.com")
    orders = [
        place_collect_order(
            user=shopper, store=shop["leeds"], quantities=quantities, collector_name="Shona"
        )[0]
        for quantities in (
            {shop["lamp"].pk: 1, mug.pk: 2},
            {shop["lamp"].pk: 1},
            {mug.pk: 1},
        )
    ]
    staff = StoreStaffFactory(location=shop["leeds"]).user
    client.force_login(staff)
    assert "Pick them together" in text(client.get(reverse("console:queue", args=["leeds"])))
    page = text(client.get(reverse("console:pick-wave", args=["leeds"])))
    first, second, third = (order.number for order in orders)
    assert "Waiting to be picked · 3 orders" in page
    assert (
        f"Desk Lamp</td><td>LAMP-1</td><td><strong>2</strong></td> <td>#{first}&nbsp;×1, #{second}&nbsp;×1"
        in page
    )
    assert (
        f"Mug</td><td>MUG-1</td><td><strong>3</strong></td> <td>#{first}&nbsp;×2, #{third}&nbsp;×1"
        in page
    )

    services.start_picking(order=orders[1], by=staff)  # a colleague was quicker with this one
    response = client.post(
        reverse("console:pick-wave", args=["leeds"]),
        {"order": [first, second, third]},
        follow=True,
    )
    body = text(response)
    assert "Picking started for 2 orders." in body
    assert f"Already moved by a colleague, left out: {second}." in body
    assert "Picking now · 3 orders" in body
    for order in orders:
        order.refresh_from_db()
        assert order.status == statuses.PICKING


def test_another_stores_staff_cannot_see_or_start_the_wave(shop, client):
    client.force_login(StoreStaffFactory(location=shop["york"]).user)
    url = reverse("console:pick-wave", args=["leeds"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"order": ["100001"]}).status_code == 403
