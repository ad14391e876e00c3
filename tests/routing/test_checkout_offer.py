"""The web checkout offers "collect at my store from <day>" when my store lacks a line, shows
the ready-by promise before the order is placed, and places it waiting for its transfer."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

from apps.inventory import services as inventory
from apps.inventory.models import Transfer
from apps.inventory.selectors import ledger_drift
from apps.order import statuses
from apps.pickup import services as pickup
from apps.routing.models import RoutingDecision
from tests.checkout.conftest import add_to_basket, place_order, start_guest_checkout
from tests.factories import ProductFactory, StoreFactory, StoreStaffFactory, pick_all, stock
from tests.routing.test_ship_to_store import figures

Order = get_model("order", "Order")


def choose_ship_to_store(client, code="leeds"):
    return client.post(
        reverse("checkout:fulfilment"), {"method": "collect", "store": code, "name": "Ann Other"}
    )


def test_my_store_lacking_a_line_is_offered_with_the_day_it_can_be_collected(
    net, client, mailoutbox, django_capture_on_commit_callbacks
):
    client.post(reverse("stores:choose", args=["leeds"]))
    add_to_basket(client, net["lamp"])
    add_to_basket(client, net["kettle"])
    start_guest_checkout(client)
    page = client.get(reverse("checkout:fulfilment"))
    (offer,) = page.context["ship_offers"]
    assert offer.store == net["leeds"] and offer.sources == [net["york"]]
    body = " ".join(page.content.decode().split())
    day = f"{offer.ready_at:%A}"
    assert f"Collect at Omnishop Leeds from {day}" in body
    assert "we send what it lacks from Omnishop York" in body

    assert choose_ship_to_store(client)["Location"] == reverse("checkout:payment-method")
    preview = client.get(reverse("checkout:preview"))
    summary = " ".join(preview.content.decode().split())
    assert preview.context["ready_at"] == offer.ready_at
    assert f"Ready {offer.ready_at:%A} {offer.ready_at.day} {offer.ready_at:%B}" in summary
    assert "What Omnishop Leeds lacks is sent there from Omnishop York first." in summary

    response = place_order(client)
    assert response["Location"] == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert order.status == statuses.AWAITING_TRANSFER
    assert order.ready_by == offer.ready_at
    assert order.pickup_location == net["leeds"]
    transfer = Transfer.objects.get()
    assert (transfer.source, transfer.destination) == (net["york"], net["leeds"])
    assert RoutingDecision.objects.filter(order=order).count() == 2

    # York ships it, Leeds receives it: the order goes to picking, then ready as usual.
    staff = StoreStaffFactory(location=net["leeds"]).user
    inventory.ship_transfer(transfer=transfer, by=StoreStaffFactory(location=net["york"]).user)
    inventory.receive_transfer(transfer=transfer, by=staff)
    order.refresh_from_db()
    assert order.status == statuses.PLACED
    pickup.start_picking(order=order, by=staff)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        pick_all(order, staff)
        pickup.mark_ready(order=order, by=staff)
    (message,) = mailoutbox
    assert message.subject == f"Your order {order.number} is ready to collect at Omnishop Leeds"
    pickup.hand_over(order=order, by=staff, code=order.pickup_code)
    order.refresh_from_db()
    assert order.status == statuses.COLLECTED
    assert figures(net["york"], net["kettle"]) == (2, 0)
    assert figures(net["leeds"], net["kettle"]) == (0, 0)
    assert figures(net["leeds"], net["lamp"]) == (4, 0)
    assert list(ledger_drift()) == []


def test_no_offer_when_my_store_has_everything_or_nobody_can_send_it(net, client):
    client.post(reverse("stores:choose", args=["leeds"]))
    add_to_basket(client, net["lamp"])
    start_guest_checkout(client)
    assert client.get(reverse("checkout:fulfilment")).context["ship_offers"] == []
    client.post(reverse("basket:add", args=[net["kettle"].pk]), {"quantity": 11})
    page = client.get(reverse("checkout:fulfilment"))
    assert page.context["ship_offers"] == []  # 11 kettles: no single location has them


def test_the_offer_gone_by_the_time_of_payment_places_nothing(net, client):
    client.post(reverse("stores:choose", args=["leeds"]))
    add_to_basket(client, net["kettle"])
    start_guest_checkout(client)
    choose_ship_to_store(client)

    for code in ("york", "manchester"):
        inventory.count(location=net[code], counts={net["kettle"].pk: 0})
    net["warehouse"].safety_buffer = 10  # its kettles are kept back from orders now
    net["warehouse"].save()
    response = place_order(client)
    assert response.status_code == 200
    assert "Omnishop Leeds can no longer be sent what it lacks" in response.content.decode()
    assert not Order.objects.exists()


def test_a_plain_collect_order_records_the_policys_reason(net, client):
    client.post(reverse("stores:choose", args=["leeds"]))
    add_to_basket(client, net["lamp"])
    start_guest_checkout(client)
    choose_ship_to_store(client)
    place_order(client)
    decision = RoutingDecision.objects.get()
    assert (decision.policy, decision.rule) == ("nearest", "on-the-shelf")
    assert decision.reason == "Omnishop Leeds has Desk Lamp on its shelves"


def _fulfilment_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("checkout:fulfilment")).status_code == 200
    return len(queries)


def test_the_collect_step_reads_as_many_queries_for_ten_lines_and_forty_stores(
    net, client, django_assert_max_num_queries
):
    client.post(reverse("stores:choose", args=["leeds"]))
    add_to_basket(client, net["kettle"])
    start_guest_checkout(client)
    few = _fulfilment_queries(client)
    for i in range(9):
        product = ProductFactory(title=f"Thing {i}")
        stock(net["warehouse"], product, 5)
        stock(net["york"], product, 5)
        add_to_basket(client, product)
    for i in range(40):
        store = StoreFactory(code=f"s{i}", name=f"Store {i}", latitude=53 + i / 50)
        stock(store, net["kettle"], 1)
    page = client.get(reverse("checkout:fulfilment"))
    assert len(page.context["ship_offers"][0].sources) == 1  # still offered, from York
    with django_assert_max_num_queries(few):
        assert client.get(reverse("checkout:fulfilment")).status_code == 200
