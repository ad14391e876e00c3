"""The store console's transfers: a store ships what it sends and counts in what it receives;
another store's staff can do neither."""

import re

from django.urls import reverse
from oscar.core.loading import get_model

from apps.inventory import services
from apps.inventory.models import Transfer
from apps.inventory.selectors import ledger_drift
from tests.factories import StoreStaffFactory

StockRecord = get_model("partner", "StockRecord")


def words(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def on_hand(location, product):
    return StockRecord.objects.get(partner=location.partner, product=product).num_in_stock


def staff(client, location):
    client.force_login(StoreStaffFactory(location=location).user)
    return client


def leeds_to_york(shop, units=2):
    return services.create_transfer(
        source=shop["leeds"], destination=shop["york"], quantities={shop["lamp"].pk: units}
    )


def test_the_source_ships_and_the_destination_receives_in_part(shop, client):
    transfer = leeds_to_york(shop)
    staff(client, shop["leeds"])
    page = words(client.get(reverse("console:transfers", args=["leeds"])))
    assert f"{transfer.number} to Omnishop York" in page and "Desk Lamp LAMP-1 2" in page

    shipped = words(
        client.post(reverse("console:transfer-ship", args=["leeds", transfer.pk]), follow=True)
    )
    assert f"Transfer {transfer.number} shipped to Omnishop York: 2 units" in shipped
    assert on_hand(shop["leeds"], shop["lamp"]) == 0

    staff(client, shop["york"])
    york = words(client.get(reverse("console:transfers", args=["york"])))
    assert f"{transfer.number} Omnishop Leeds" in york and f"Receive {transfer.number}" in york
    url = reverse("console:transfer-receive", args=["york", transfer.pk])
    form = client.get(url)
    assert form.content.decode().count("data-scan") == 2  # the header's search and this page's
    assert "autofocus" not in form.content.decode()
    line = transfer.lines.get()
    done = words(client.post(url, {f"line-{line.pk}": "1"}, follow=True))
    assert f"Transfer {transfer.number} received: 1 unit missing, recorded." in done
    assert on_hand(shop["york"], shop["lamp"]) == 1
    transfer.refresh_from_db()
    assert transfer.state == Transfer.State.RECEIVED and transfer.units_short == 1
    assert list(ledger_drift()) == []


def test_a_count_above_what_was_shipped_is_refused_with_the_reason(shop, client):
    transfer = services.ship_transfer(transfer=leeds_to_york(shop))
    staff(client, shop["york"])
    line = transfer.lines.get()
    response = client.post(
        reverse("console:transfer-receive", args=["york", transfer.pk]), {f"line-{line.pk}": "3"}
    )
    assert response.status_code == 400
    assert "less than or equal to 2" in response.content.decode()
    transfer.refresh_from_db()
    assert transfer.state == Transfer.State.SHIPPED


def test_shipping_more_than_the_store_can_spare_is_refused(shop, client):
    services.allocate(location=shop["leeds"], quantities={shop["lamp"].pk: 1})
    transfer = leeds_to_york(shop)
    staff(client, shop["leeds"])
    page = words(
        client.post(reverse("console:transfer-ship", args=["leeds", transfer.pk]), follow=True)
    )
    assert "Only 1 left of Desk Lamp at Omnishop Leeds" in page and "Nothing was shipped." in page
    assert on_hand(shop["leeds"], shop["lamp"]) == 2


def test_other_stores_cannot_ship_or_receive_a_transfer(shop, client):
    transfer = leeds_to_york(shop)
    staff(client, shop["york"])
    # York's staff cannot ship Leeds' transfer, even through their own store's URLs.
    assert (
        client.post(reverse("console:transfer-ship", args=["york", transfer.pk])).status_code == 404
    )
    assert (
        client.post(reverse("console:transfer-ship", args=["leeds", transfer.pk])).status_code
        == 403
    )
    services.ship_transfer(transfer=transfer)
    staff(client, shop["leeds"])
    assert (
        client.get(reverse("console:transfer-receive", args=["leeds", transfer.pk])).status_code
        == 404
    )
    transfer.refresh_from_db()
    assert transfer.state == Transfer.State.SHIPPED
