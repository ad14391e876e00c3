"""Where staff see routing: the console's queue lists an order waiting for its stock as on its
way (not to pick), and the dashboard's order page says which rule took which lines where."""

from django.urls import reverse

from apps.inventory.models import Transfer
from tests.factories import StoreStaffFactory, UserFactory
from tests.routing.test_ship_to_store import place_shipped_order


def text(response):
    return " ".join(response.content.decode().split())


def test_the_console_shows_an_order_waiting_for_its_transfer_as_incoming(net, client):
    order = place_shipped_order(net)
    client.force_login(StoreStaffFactory(location=net["leeds"]).user)
    page = client.get(reverse("console:queue", args=["leeds"]))
    incoming = page.content.decode().split('data-group="incoming"')[1].split("</section>")[0]
    to_pick = page.content.decode().split('data-group="to-pick"')[1].split("</section>")[0]
    assert f"#{order.number}" in incoming
    assert f"#{order.number}" not in to_pick
    assert "On their way to the store" in text(page)


def test_the_dashboard_order_page_shows_each_routing_decision(net, client):
    order = place_shipped_order(net)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("dashboard:order-detail", args=[order.number]))
    table = text(page).split('id="routing-decisions"')[1].split("</table>")[0]
    assert "nearest · on-the-shelf" not in table  # Leeds lacks a line: the policy's own rule
    assert "<td>Omnishop Leeds</td><td>Omnishop York</td> <td>Kettle &times; 2</td>" in table
    assert "Omnishop Leeds lacks Kettle ×2; Omnishop York (" in table
    transfer = Transfer.objects.get()
    assert f"<td>{transfer.number} (created)</td>" in table
