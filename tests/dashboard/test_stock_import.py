"""Merchandisers upload stock feeds; a bad file changes nothing and each bad cell is listed by
its line and column."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from oscar.core.loading import get_model

from apps.inventory.models import StockImport, StockMovement
from tests.factories import UserFactory

StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def merchandiser(client, db):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def on_hand(location, upc):
    return StockRecord.objects.get(partner_id=location.partner_id, product__upc=upc).num_in_stock


def error_rows(response, table_id="import-errors"):
    """The (line, column, problem) rows of the page's error table."""
    html = response.content.decode().split(f'id="{table_id}"')[1].split("</table>")[0]
    return [
        tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row))
        for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)
        if "<td>" in row
    ]


def upload(client, name, content, **fields):
    return client.post(
        reverse("dashboard:stock-import"),
        {"file": SimpleUploadedFile(name, content), **fields},
        follow=True,
    )


def test_a_bad_feed_lists_each_bad_cell_and_changes_nothing(catalogue, store, merchandiser, client):
    assert client.get(reverse("dashboard:stock-import")).status_code == 200
    bad = (
        b"location,sku,on_hand\n"
        b"leeds,SKU-1,3\n"
        b"leeds,NOPE,lots\n"  # two bad cells
        b"mars,SKU-2,-1\n"  # two bad cells
        b"leeds,SKU-3,1000000001\n"
        b"leeds,SKU-\x002,1\n"
    )
    movements, imports = StockMovement.objects.count(), StockImport.objects.count()
    response = upload(client, "bad.csv", bad)
    assert response.status_code == 400
    assert "The file was not imported: nothing changed." in response.content.decode()
    assert "6 problems in the file; nothing was imported." in response.content.decode()
    assert error_rows(response) == [
        ("3", "sku", "unknown SKU &#x27;NOPE&#x27;"),
        ("3", "on_hand", "not a whole number (&#x27;lots&#x27;)"),
        ("4", "location", "unknown location &#x27;mars&#x27;"),
        ("4", "on_hand", "cannot be negative (&#x27;-1&#x27;)"),
        ("5", "on_hand", "must be at most 1,000,000,000 (&#x27;1000000001&#x27;)"),
        ("6", "sku", "contains a control character (such as NUL): &#x27;SKU-\\x002&#x27;"),
    ]
    assert on_hand(store, "SKU-1") == 10
    assert (StockMovement.objects.count(), StockImport.objects.count()) == (movements, imports)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", ("1", "", "the file is empty")),
        (b"location,on_hand\nleeds,1\n", ("1", "sku", "missing from the header")),
    ],
    ids=["empty", "missing-column"],
)
def test_a_feed_without_a_usable_header_is_refused_with_its_line(
    catalogue, merchandiser, client, content, expected
):
    imports = StockImport.objects.count()
    response = upload(client, "feed.csv", content)
    assert response.status_code == 400
    line, column, reason = error_rows(response)[0]
    assert (line, column) == expected[:2] and reason.startswith(expected[2])
    assert StockImport.objects.count() == imports


def test_skipped_cells_are_listed_after_a_partial_import(catalogue, store, merchandiser, client):
    response = upload(
        client,
        "feed.csv",
        b"location,sku,delta\nleeds,SKU-1,2\nleeds,SKU-2,x\n",
        skip_bad_rows="on",
    )
    assert "Imported 1 of 2 rows from feed.csv; skipped 1" in response.content.decode()
    assert error_rows(response, "import-skipped") == [
        ("3", "delta", "not a whole number (&#x27;x&#x27;)")
    ]
    assert on_hand(store, "SKU-1") == 12


def test_merchandiser_uploads_a_good_feed(catalogue, store, merchandiser, client):
    response = upload(client, "good.csv", b"location,sku,delta\nleeds,SKU-1,2\n")
    assert "Imported 1 of 1 rows from good.csv" in response.content.decode()
    assert on_hand(store, "SKU-1") == 12
    assert StockImport.objects.get(filename="good.csv").user == merchandiser


def test_shoppers_cannot_reach_the_stock_import(catalogue, client):
    client.force_login(UserFactory())
    assert client.get(reverse("dashboard:stock-import")).status_code == 403
