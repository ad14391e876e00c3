"""What a shopper sees after ordering: the guest's tracking page (by the signed link of every
e-mail) and the account's order page show the same collect panel; both can say "I'm here"
and cancel an order the store has not started on."""

import pytest
import time_machine
from django.urls import reverse
from oscar.core.loading import get_model

from apps.inventory.selectors import availability
from apps.order import pickup_codes, statuses
from apps.order.links import order_page_url
from apps.pickup import services
from apps.pickup.models import PickupEvent
from tests.factories import OrderFactory, StoreStaffFactory, UserFactory

Order = get_model("order", "Order")


def text(response) -> str:
    return " ".join(response.content.decode().split())


def tracking_url(order) -> str:
    return reverse(
        "customer:anon-order",
        kwargs={"order_number": order.number, "hash": order.verification_hash()},
    )


def guest_url(name, order) -> str:
    return reverse(f"pickup:{name}", args=[order.number, order.verification_hash()])


def units_at_leeds(shop) -> int:
    return availability(products=[shop["lamp"]], locations=[shop["leeds"]]).at(
        shop["lamp"], shop["leeds"]
    )


@pytest.fixture
def staff(shop):
    return StoreStaffFactory(location=shop["leeds"]).user


def test_the_e_mails_link_is_the_guests_tracking_page(order):
    assert order_page_url(order).endswith(tracking_url(order))


def test_the_guest_tracking_page_shows_the_store_code_qr_collect_by_and_timeline(
    shop, staff, client
):
    with time_machine.travel("2026-11-25 10:00 +00:00", tick=False):
        order = OrderFactory(
            store=shop["leeds"], lines={shop["lamp"]: 1}, status=statuses.READY, by=staff
        )
    page = text(client.get(tracking_url(order)))
    leeds = shop["leeds"]
    assert f"Click and collect at {leeds.name}" in page
    assert leeds.address_lines[0] in page
    assert pickup_codes.display(order.pickup_code) in page
    assert "<svg" in page and 'width="250"' in page  # scannable from a phone screen
    assert "Collect by" in page and "Wednesday 2 December" in page  # holding days after ready
    assert "Order placed" in page and "The store started picking your order" in page
    assert "Ready for collection" in page
    assert "openstreetmap.org/directions?to=" in page
    assert "Write a review" not in page and "Shipping" not in page
    assert '<meta name="referrer" content="same-origin">' in page


def test_a_wrong_hash_or_number_is_404(order, client):
    wrong = reverse(
        "customer:anon-order", kwargs={"order_number": order.number, "hash": f"{order.number}:x"}
    )
    assert client.get(wrong).status_code == 404
    other = reverse(
        "customer:anon-order", kwargs={"order_number": "999999", "hash": order.verification_hash()}
    )
    assert client.get(other).status_code == 404


def test_an_accounts_signed_link_takes_its_owner_to_the_account_page(shop, client):
    shopper = UserFactory()
    order = OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1}, user=shopper)
    client.force_login(shopper)
    response = client.get(tracking_url(order))
    assert response.status_code == 302
    assert response["Location"] == reverse("customer:order", args=[order.number])
    client.force_login(UserFactory())
    assert client.get(tracking_url(order)).status_code == 404


def test_the_account_page_shows_the_collect_panel_and_no_shipping_table_or_channel_badge(
    shop, staff, client
):
    shopper = UserFactory()
    order = OrderFactory(
        store=shop["leeds"],
        lines={shop["lamp"]: 1},
        user=shopper,
        channel="api",
        status=statuses.READY,
        by=staff,
    )
    client.force_login(shopper)
    page = text(client.get(reverse("customer:order", args=[order.number])))
    assert f"Click and collect at {shop['leeds'].name}" in page
    assert pickup_codes.display(order.pickup_code) in page and "<svg" in page
    assert "Collect by" in page and "Ready for collection" in page
    assert "Shipping Address" not in page and "Shipping Method" not in page
    assert "order-channel" not in page and ">API<" not in page


def test_a_delivery_order_keeps_its_address(shop, client):
    shopper = UserFactory()
    order = OrderFactory(user=shopper, delivery=True, lines={shop["lamp"]: 1})
    client.force_login(shopper)
    page = text(client.get(reverse("customer:order", args=[order.number])))
    assert order.shipping_address.line1 in page and "collect-panel" not in page


def test_the_owner_cancels_from_the_account_page_and_stock_goes_back(shop, client):
    shopper = UserFactory()
    before = units_at_leeds(shop)
    order = OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 2}, user=shopper, restock=False)
    assert units_at_leeds(shop) == before - 2
    client.force_login(shopper)
    page = text(client.get(reverse("customer:order", args=[order.number])))
    assert "Yes, cancel my order" in page
    done = client.post(reverse("pickup:cancel", args=[order.number]), follow=True)
    assert "Your order is cancelled" in text(done)
    order.refresh_from_db()
    assert order.status == statuses.CANCELLED and units_at_leeds(shop) == before
    assert "Cancelled: you cancelled it, £20.00 to be refunded" in text(done)
    assert "Yes, cancel my order" not in text(done)


def test_a_stranger_cannot_cancel_someone_elses_order(shop, client):
    order = OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1}, user=UserFactory())
    client.force_login(UserFactory())
    assert client.post(reverse("pickup:cancel", args=[order.number])).status_code == 404
    client.logout()
    assert client.post(reverse("pickup:cancel", args=[order.number])).status_code == 302  # sign in
    order.refresh_from_db()
    assert order.status == statuses.PLACED


def test_too_late_to_cancel_says_so_and_changes_nothing(shop, staff, client):
    shopper = UserFactory()
    order = OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1}, user=shopper)
    client.force_login(shopper)
    services.start_picking(order=order, by=staff)  # the store started while the page was open
    units = units_at_leeds(shop)
    done = text(client.post(reverse("pickup:cancel", args=[order.number]), follow=True))
    assert "can no longer be cancelled here" in done
    order.refresh_from_db()
    assert order.status == statuses.PICKING and units_at_leeds(shop) == units
    assert not order.pickup_events.filter(kind="cancelled").exists()


def test_a_guest_cancels_from_the_tracking_page_by_its_signed_link(order, shop, client):
    page = text(client.get(tracking_url(order)))
    assert f'action="{guest_url("guest-cancel", order)}"' in page
    bad = reverse("pickup:guest-cancel", args=[order.number, f"{order.number}:forged"])
    assert client.post(bad).status_code == 404
    done = text(client.post(guest_url("guest-cancel", order), follow=True))
    assert "Your order is cancelled" in done
    order.refresh_from_db()
    assert order.status == statuses.CANCELLED


def test_im_here_is_remembered_with_its_note(shop, staff, client):
    shopper = UserFactory()
    order = OrderFactory(
        store=shop["leeds"], lines={shop["lamp"]: 1}, user=shopper, status=statuses.READY, by=staff
    )
    client.force_login(shopper)
    url = reverse("customer:order", args=[order.number])
    page = text(client.get(url))
    assert "Parking bay or car (optional)" in page and "I'm here</button>" in page
    with time_machine.travel("2026-11-25 14:02 +00:00", tick=False):
        client.post(reverse("pickup:arrived", args=[order.number]), {"note": "bay 3, blue Fiat"})
    page = text(client.get(url))  # a reload
    assert "Staff told at 14:02: bay 3, blue Fiat" in page
    assert 'id="arrived-form"' not in page
    assert PickupEvent.objects.get(order=order, kind="arrived").detail == {
        "note": "bay 3, blue Fiat"
    }
    client.force_login(staff)
    queue = text(client.get(reverse("console:queue", args=["leeds"])))
    assert "Here since 14:02: bay 3, blue Fiat" in queue


def test_a_guest_says_im_here_from_the_tracking_page(shop, staff, client):
    order = OrderFactory(
        store=shop["leeds"], lines={shop["lamp"]: 1}, status=statuses.READY, by=staff
    )
    page = text(client.get(tracking_url(order)))
    assert f'action="{guest_url("guest-arrived", order)}"' in page
    note = "x" * 200
    client.post(guest_url("guest-arrived", order), {"note": note})
    assert "Staff told at" in text(client.get(tracking_url(order)))
    assert PickupEvent.objects.get(order=order, kind="arrived").detail == {"note": "x" * 120}


def test_the_cancel_e_mail_links_back_to_the_tracking_page(
    order, client, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.SITE_SCHEME, settings.SITE_DOMAIN = "https", "shop.omnishop.test"
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(guest_url("guest-cancel", order))
    (message,) = mailoutbox
    assert message.subject == f"Your order {order.number} is cancelled"
    assert "is cancelled, as you asked." in message.body
    assert "You have not been charged: anything held on your card for it is released." in (
        message.body
    )
    assert f"Your order: https://shop.omnishop.test{tracking_url(order)}" in message.body
