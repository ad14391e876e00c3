"""Merchandisers see every location's stock, its ledger, count it and move it between locations."""

import re

from django.urls import reverse
from oscar.core.loading import get_model

from apps.inventory.models import StockMovement
from apps.inventory.selectors import ledger_drift
from apps.inventory.services import allocate, create_transfer, receive_transfer
from tests.factories import StoreStaffFactory

StockRecord = get_model("partner", "StockRecord")


def rows(response):
    """The stock table's rows as lists of cell texts."""
    table = response.content.decode().split('id="stock-records">')[1].split("</table>")[0]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in table.split("<tr>")[2:]
    ]


def record(shop, location):
    return StockRecord.objects.get(partner=shop[location].partner, product=shop["lamp"])


def test_stock_by_location_shows_what_each_can_sell(shop, merchandiser):
    allocate(location=shop["leeds"], quantities={shop["lamp"].pk: 2})
    page = merchandiser.get(reverse("dashboard:stock-list"), {"q": "LAMP-1"})
    figures = {cells[2]: cells[3:6] for cells in rows(page)}
    assert figures == {
        "Omnishop Leeds": ["2", "2", "0"],
        "Online warehouse": ["10", "0", "10"],
        "Omnishop York": ["0", "0", "0"],
    }
    sold_out = merchandiser.get(reverse("dashboard:stock-list"), {"sold_out": "on"})
    assert sorted(cells[2] for cells in rows(sold_out)) == ["Omnishop Leeds", "Omnishop York"]
    york = merchandiser.get(reverse("dashboard:stock-list"), {"location": "york"})
    assert [cells[2] for cells in rows(york)] == ["Omnishop York"]


def test_units_shipped_to_a_location_show_as_on_their_way_until_received(shop, merchandiser):
    transfer = create_transfer(
        source=shop["warehouse"],
        destination=shop["leeds"],
        quantities={shop["lamp"].pk: 4},
        ship=True,
    )
    listed = {
        cells[2]: cells[3:7]
        for cells in rows(merchandiser.get(reverse("dashboard:stock-list"), {"q": "LAMP-1"}))
    }
    assert listed["Omnishop Leeds"] == ["2", "0", "2", "4"]  # not on hand until received
    assert listed["Online warehouse"] == ["6", "0", "6", ""]
    page = merchandiser.get(reverse("dashboard:stock-record", args=[record(shop, "leeds").pk]))
    assert 'on its way here <strong id="in-transit">4</strong>' in page.content.decode()
    receive_transfer(transfer=transfer)
    listed = {
        cells[2]: cells[3:7]
        for cells in rows(merchandiser.get(reverse("dashboard:stock-list"), {"q": "LAMP-1"}))
    }
    assert listed["Omnishop Leeds"] == ["6", "0", "6", ""]


def test_a_records_page_lists_its_ledger_and_takes_a_count(shop, merchandiser):
    leeds = record(shop, "leeds")
    url = reverse("dashboard:stock-record", args=[leeds.pk])
    page = merchandiser.get(url).content.decode()
    assert "Receipt" in page and "test stock" in page
    response = merchandiser.post(url, {"counted": 7, "note": "shelf check"}, follow=True)
    assert "On hand set to 7." in response.content.decode()
    leeds.refresh_from_db()
    assert leeds.num_in_stock == 7
    assert StockMovement.objects.get(reason="adjustment").note == "shelf check"
    assert list(ledger_drift()) == []


def test_a_count_below_what_is_promised_is_refused_with_the_reason(shop, merchandiser):
    allocate(location=shop["leeds"], quantities={shop["lamp"].pk: 2})
    url = reverse("dashboard:stock-record", args=[record(shop, "leeds").pk])
    page = merchandiser.post(url, {"counted": 1}).content.decode()
    assert "counted 1 but 2 are allocated" in page
    assert record(shop, "leeds").num_in_stock == 2


def test_store_staff_cannot_open_the_stock_dashboard(shop, client):
    client.force_login(StoreStaffFactory(location=shop["leeds"]).user)
    for name in ("dashboard:stock-list", "dashboard:stock-transfer"):
        assert client.get(reverse(name)).status_code == 403


def test_a_sold_out_store_row_links_to_a_prefilled_transfer(shop, merchandiser):
    page = merchandiser.get(reverse("dashboard:stock-list"), {"location": "york"}).content.decode()
    link = reverse("dashboard:stock-transfer") + "?destination=york&amp;upc=LAMP-1"
    assert f'href="{link}">Send some here' in page
    planned = merchandiser.get(
        reverse("dashboard:stock-transfer"), {"destination": "york", "upc": "LAMP-1"}
    ).context
    assert planned["form"].initial == {"source": "web", "destination": "york"}
    assert planned["lines"].initial == [{"upc": "LAMP-1", "quantity": 1}]


def test_a_locations_stock_list_offers_its_export_in_both_formats(shop, merchandiser):
    every = merchandiser.get(reverse("dashboard:stock-list")).content.decode()
    assert 'id="export-csv"' not in every  # an export is of one location
    york = merchandiser.get(reverse("dashboard:stock-list"), {"location": "york"}).content.decode()
    for fmt in ("csv", "xlsx"):
        assert f'{reverse("dashboard:stock-export")}?location=york&amp;format={fmt}"' in york
