"""A busy day on the shop floor: confirmations with reasons, scan-to-pick in bin order, bag
labels, due-soon and late orders, the badge's pulse, sign-out, and the console's own 403/404."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from apps.inventory.models import StockMovement
from apps.order import statuses
from apps.pickup import services
from apps.pickup.models import PickupEvent
from apps.pickup.selectors import walk_order
from tests.factories import OrderFactory, ProductFactory, StoreStaffFactory, stock

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def associate(shop):
    return StoreStaffFactory(location=shop["leeds"]).user


@pytest.fixture
def leeds_client(associate, client):
    client.force_login(associate)
    return client


def text(response):
    return " ".join(response.content.decode().split())


def words(response):
    """The page's words without its tags."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def action_url(order, action):
    return reverse("console:action", args=["leeds", order.number, action])


def picking(shop, associate, lines):
    order = OrderFactory(store=shop["leeds"], lines=lines, pickup_name="Ann Other")
    return services.start_picking(order=order, by=associate)


# --- confirmation and a reason ----------------------------------------------------------------


def test_cancel_asks_first_and_changes_nothing_until_confirmed(order, leeds_client):
    page = leeds_client.get(action_url(order, "cancel"))
    body = text(page)
    assert page.status_code == 200
    assert f"Cancel order #{order.number}?" in body
    assert "Customer asked to cancel" in body and "Suspected fraud" in body
    assert "£20.00 is to be refunded" in body  # two lamps at £10

    # The old one-tap form (no confirmation) only shows the question again.
    again = leeds_client.post(action_url(order, "cancel"), {"reason": "payment"})
    assert again.status_code == 200 and "Yes, cancel the order" in text(again)
    order.refresh_from_db()
    assert order.status == statuses.PLACED
    assert not StockMovement.objects.filter(order=order, reason="release").exists()


@pytest.mark.parametrize(
    "data,error",
    [
        ({}, "Choose a reason."),
        ({"reason": "other"}, "“Other” needs a note"),
        ({"reason": "payment", "note": "x" * 201}, "Keep the note to 200 characters."),
    ],
)
def test_a_confirmation_without_a_good_reason_is_refused(order, leeds_client, data, error):
    response = leeds_client.post(action_url(order, "cancel"), {"confirmed": "yes", **data})
    assert response.status_code == 400
    assert error.replace("“", '"').replace("”", '"') in response.content.decode().replace(
        "&quot;", '"'
    )
    order.refresh_from_db()
    assert order.status == statuses.PLACED


def test_a_confirmed_cancel_records_the_reason_on_the_timeline(
    order, leeds_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = leeds_client.post(
            action_url(order, "cancel"),
            {"confirmed": "yes", "reason": "suspected-fraud", "note": "card flagged by the bank"},
            follow=True,
        )
    timeline = words(response).split("Timeline")[1]
    assert "Order cancelled" in words(response)
    assert "Cancelled by" in timeline
    assert "Suspected fraud · “card flagged by the bank”" in timeline
    event = order.pickup_events.get(kind=PickupEvent.Kind.CANCELLED)
    assert event.detail["reason_code"] == "suspected-fraud"
    assert event.detail["note"] == "card flagged by the bank"
    ledger = StockMovement.objects.filter(order=order).latest("pk")
    assert ledger.note == "cancelled: Suspected fraud: card flagged by the bank"
    # The shopper is told it is cancelled, never why staff suspect them, nor the note.
    (message,) = mailoutbox
    assert "is cancelled." in message.body
    assert "fraud" not in message.body.lower() and "flagged" not in message.body


def test_the_shopper_is_told_a_reason_meant_for_them(
    order, leeds_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        leeds_client.post(
            action_url(order, "cancel"), {"confirmed": "yes", "reason": "store-closed"}
        )
    (message,) = mailoutbox
    assert "is cancelled (the store cannot open)." in message.body


def test_short_pick_needs_a_reason_and_records_it(shop, associate, leeds_client):
    order = picking(shop, associate, {shop["lamp"]: 2})
    line = order.lines.get()
    page = text(leeds_client.get(action_url(order, "short-pick"), {"line": line.pk}))
    assert "Short pick: Desk Lamp" in page and "Units missing or damaged (of 2)" in page
    leeds_client.post(
        action_url(order, "short-pick"),
        {"confirmed": "yes", "line": line.pk, "quantity": 1, "reason": "missing"},
    )
    event = order.pickup_events.get(kind=PickupEvent.Kind.SHORT_PICK)
    assert (event.quantity, event.detail["reason"]) == (1, "Not on the shelf")
    line.refresh_from_db()
    assert line.num_allocated == 1


def test_not_collected_by_staff_says_why_and_the_sweep_says_the_holding_days(shop, associate):
    ready = OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1}, status=statuses.READY)
    later = timezone.now() + dt.timedelta(days=shop["leeds"].holding_days + 1)
    services.mark_not_collected(order=ready, by=associate, now=later, reason="refused")
    event = ready.pickup_events.get(kind=PickupEvent.Kind.NOT_COLLECTED)
    assert event.detail["reason"] == "Customer refused the items"

    swept = OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1}, status=statuses.READY)
    services.mark_not_collected(order=swept, now=later)
    event = swept.pickup_events.get(kind=PickupEvent.Kind.NOT_COLLECTED)
    assert event.detail["reason"] == "Holding days over"


def test_the_api_keeps_free_text_reasons_as_other_with_a_note(order, associate):
    services.act("cancel", order=order, by=associate, reason="wrong colour ordered")
    event = order.pickup_events.get(kind=PickupEvent.Kind.CANCELLED)
    assert event.detail["reason_code"] == "other"
    assert event.detail["note"] == "wrong colour ordered"


# --- picking by scanning, in bin order ----------------------------------------------------------


def scan(client, order, code):
    url = reverse("console:pick-scan", args=["leeds", order.number])
    return text(client.post(url, {"scan": code}, follow=True))


def test_scanning_ticks_lines_one_unit_at_a_time_and_refuses_the_wrong_item(
    shop, associate, leeds_client
):
    kettle = ProductFactory(title="Kettle", upc="KETTLE-9")
    stock(shop["leeds"], kettle, 3)
    order = picking(shop, associate, {shop["lamp"]: 2, kettle: 1})

    assert "KETTLE-1 is not on order" in scan(leeds_client, order, "KETTLE-1")
    assert "Desk Lamp: 1 of 2 scanned." in scan(leeds_client, order, "lamp-1")  # any case
    assert not order.pickup_events.filter(kind=PickupEvent.Kind.LINE_PICKED).exists()
    assert "Desk Lamp: all 2 picked ✓" in scan(leeds_client, order, "LAMP-1")
    assert "All 2 × Desk Lamp are picked already." in scan(leeds_client, order, "LAMP-1")
    body = scan(leeds_client, order, "KETTLE-9")
    assert "Kettle: all 1 picked ✓" in body
    assert "All picked: ready for collection" in body
    picked = order.pickup_events.filter(kind=PickupEvent.Kind.LINE_PICKED)
    assert sorted(picked.values_list("quantity", flat=True)) == [1, 2]
    services.mark_ready(order=order, by=associate)  # every line confirmed by the scans


def test_scanning_before_picking_starts_is_refused(order, leeds_client):
    assert "start picking first" in scan(leeds_client, order, "LAMP-1")
    assert not order.pickup_events.exists()


def test_pick_lists_follow_the_bins_in_walking_order(shop, associate, leeds_client):
    products = {}
    for title, bin_location in [("Zip", "A2"), ("Apple", "A10"), ("Mop", ""), ("Bowl", "B1")]:
        products[title] = ProductFactory(title=title)
        record = stock(shop["leeds"], products[title], 1)
        StockRecord.objects.filter(pk=record.pk).update(bin_location=bin_location)
    order = picking(shop, associate, dict.fromkeys(products.values(), 1))
    body = words(leeds_client.get(reverse("console:pick-list", args=["leeds", order.number])))
    rows = [
        body.index(f"{bin_location} {title}")
        for title, bin_location in [("Zip", "A2"), ("Apple", "A10"), ("Bowl", "B1"), ("Mop", "–")]
    ]
    assert rows == sorted(rows)
    assert walk_order("a2", "x") < walk_order("A10", "x") < walk_order("", "a")


# --- bag labels, due times ------------------------------------------------------------------------


def test_bag_labels_number_the_bags_and_carry_the_order_not_the_pickup_code(order, leeds_client):
    url = reverse("console:bag-labels", args=["leeds", order.number])
    body = text(leeds_client.get(url, {"bags": "3"}))
    assert body.count('class="bag-label"') == 3
    assert "Bag 1 of 3" in body and "Bag 3 of 3" in body and "Ann Other" in body
    assert body.count("<svg") == 3  # the order number as a Code 128 barcode on each
    assert order.pickup_code not in body
    assert text(leeds_client.get(url, {"bags": "5000"})).count('class="bag-label"') == 20
    assert text(leeds_client.get(url, {"bags": "two"})).count('class="bag-label"') == 1


def test_orders_close_to_their_promise_are_due_soon_and_past_it_late(shop, leeds_client):
    now = timezone.now()
    soon = OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1})
    late = OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1})
    Order.objects.filter(pk=soon.pk).update(ready_by=now + dt.timedelta(minutes=20, seconds=30))
    Order.objects.filter(pk=late.pk).update(ready_by=now - dt.timedelta(hours=1, minutes=5))
    body = text(leeds_client.get(reverse("console:queue", args=["leeds"])))
    assert "Due in 20 min" in body and "Late by 1 h 05 min" in body


# --- awareness, signing out, errors -----------------------------------------------------------


def test_the_pulse_lists_orders_to_pick_and_shoppers_who_are_here(shop, leeds_client, client):
    waiting = OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1})
    here = OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1}, status=statuses.READY)
    services.announce_arrival(order=here, by=None, verification_hash=here.verification_hash())
    response = leeds_client.get(reverse("console:pulse", args=["leeds"]))
    assert response.json() == {"to_pick": [waiting.number], "arrived": [here.number]}
    assert "no-cache" in response["Cache-Control"]
    client.force_login(StoreStaffFactory(location=shop["york"]).user)
    assert client.get(reverse("console:pulse", args=["leeds"])).status_code == 403


def test_every_console_page_signs_out_to_the_sign_in_page(order, leeds_client):
    page = text(leeds_client.get(reverse("console:order", args=["leeds", order.number])))
    assert 'action="/console/sign-out/"' in page and "Sign out" in page
    response = leeds_client.post(reverse("console:sign-out"))
    assert response["Location"] == f"{reverse('customer:login')}?next=/console/"
    assert leeds_client.get(reverse("console:queue", args=["leeds"])).status_code == 302


def test_refusals_and_missing_orders_stay_inside_the_console(shop, order, client):
    client.force_login(StoreStaffFactory(location=shop["york"]).user)
    refused = client.get(reverse("console:queue", args=["leeds"]))
    assert refused.status_code == 403
    body = text(refused)
    assert "This page is not open to you" in body and 'href="/console/"' in body
    assert "Sign out" in body
    missing = client.get(reverse("console:order", args=["york", "999999"]))
    assert missing.status_code == 404
    assert "Nothing here" in text(missing) and "My stores" in text(missing)
