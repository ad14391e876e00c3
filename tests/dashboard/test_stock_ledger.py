"""Ledger rows link to what caused them (the order, and the import, count or transfer), each
cause has a page of its ledger rows, and a record's bin is edited on its page without a ledger
row (who moved it is kept)."""

import re

from django.urls import reverse
from oscar.core.loading import get_model

from apps.inventory import services
from apps.inventory.imports import import_stock
from apps.inventory.models import StockCount, StockMovement, Transfer
from tests.factories import OrderFactory, StoreStaffFactory, UserFactory

StockRecord = get_model("partner", "StockRecord")


def record(shop, location):
    return StockRecord.objects.get(partner=shop[location].partner, product=shop["lamp"])


def sources(page: str) -> list[str]:
    """The "From" cell of each ledger row: its links' targets."""
    table = page.split('id="movements"')[1].split("</table>")[0]
    return [
        " ".join(re.findall(r'href="([^"]+)"', cells.split("<td>")[-3]))
        for cells in table.split("<tr>")[2:]
    ]


def test_each_ledger_row_links_to_its_order_and_its_import_count_or_transfer(shop, merchandiser):
    order = OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1})
    batch = import_stock(text="location,sku,delta\nleeds,LAMP-1,3\n", filename="delivery.csv")
    services.count(location=shop["leeds"], counts={shop["lamp"].pk: 6}, note="shelf")
    services.transfer(
        source=shop["warehouse"], destination=shop["leeds"], quantities={shop["lamp"].pk: 1}
    )
    page = merchandiser.get(reverse("dashboard:stock-record", args=[record(shop, "leeds").pk]))
    links = " | ".join(sources(page.content.decode()))

    assert reverse("dashboard:order-detail", args=[order.number]) in links
    assert f"{reverse('dashboard:stock-ledger')}?stock_import={batch.stock_import.pk}" in links
    count = StockCount.objects.get(note="shelf")
    assert f"?stock_count={count.pk}" in links
    transfer = Transfer.objects.get()
    assert reverse("dashboard:stock-transfer-detail", args=[transfer.pk]) in links


def test_a_causes_ledger_page_lists_its_rows_at_every_location(shop, merchandiser):
    services.transfer(
        source=shop["warehouse"], destination=shop["york"], quantities={shop["lamp"].pk: 2}
    )
    transfer_id = StockMovement.objects.get(reason="transfer_in").transfer_id
    page = merchandiser.get(reverse("dashboard:stock-ledger"), {"transfer": str(transfer_id)})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Online warehouse" in html and "Omnishop York" in html
    assert html.count("Desk Lamp</a>") == 2  # the two sides, each linking to its record

    order = OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1})
    by_order = merchandiser.get(reverse("dashboard:stock-ledger"), {"order": order.number})
    assert "Allocation" in by_order.content.decode()


def test_the_ledger_page_needs_exactly_one_known_cause(shop, merchandiser):
    assert merchandiser.get(reverse("dashboard:stock-ledger")).status_code == 400
    both = merchandiser.get(reverse("dashboard:stock-ledger"), {"stock_import": 1, "order": "1"})
    assert both.status_code == 400
    assert merchandiser.get(reverse("dashboard:stock-ledger"), {"transfer": "x"}).status_code == 400


def test_a_bin_edit_keeps_who_made_it_and_writes_no_ledger_row(shop, client):
    buyer = UserFactory(email="buyer@omnishop.example", is_staff=True, is_superuser=True)
    client.force_login(buyer)
    leeds = record(shop, "leeds")
    url = reverse("dashboard:stock-record", args=[leeds.pk])
    movements = StockMovement.objects.count()

    response = client.post(url, {"bin_location": " A-03-2 "}, follow=True)

    assert "Bin location set to A-03-2." in response.content.decode()
    leeds.refresh_from_db()
    assert (leeds.bin_location, leeds.num_in_stock) == ("A-03-2", 2)
    assert StockMovement.objects.count() == movements
    history = response.content.decode().split('id="bin-history"')[1].split("</ul>")[0]
    assert "buyer@omnishop.example: Bin location: (none) -&gt; A-03-2" in history
    too_long = client.post(url, {"bin_location": "X" * 33})
    assert too_long.status_code == 400
    leeds.refresh_from_db()
    assert leeds.bin_location == "A-03-2"


def test_store_staff_cannot_reach_the_merchandisers_stock_files(shop, client):
    client.force_login(StoreStaffFactory(location=shop["leeds"]).user)
    for name in (
        "dashboard:stock-export",
        "dashboard:stock-import-template",
        "dashboard:stock-ledger",
    ):
        assert client.get(reverse(name), {"location": "leeds"}).status_code == 403
