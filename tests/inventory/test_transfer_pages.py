"""The dashboard's transfer pages: merchandisers plan, ship, receive (in part) and cancel
transfers, list them by state and location, and upload a file of them."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from oscar.core.loading import get_model

from apps.inventory import services
from apps.inventory.models import StockMovement, Transfer
from apps.inventory.selectors import ledger_drift
from tests.factories import StoreStaffFactory

StockRecord = get_model("partner", "StockRecord")


def on_hand(location, product):
    return StockRecord.objects.get(partner=location.partner, product=product).num_in_stock


def plan_form(source="web", destination="york", lines=(("lamp-1", 3),), **extra):
    data = {
        "source": source,
        "destination": destination,
        "note": "",
        "lines-TOTAL_FORMS": "5",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "50",
    }
    for i, (upc, quantity) in enumerate(lines):
        data[f"lines-{i}-upc"], data[f"lines-{i}-quantity"] = upc, quantity
    return {**data, **extra}


def test_a_merchandiser_plans_ships_and_receives_a_transfer_in_part(shop, merchandiser):
    created = merchandiser.post(reverse("dashboard:stock-transfer"), plan_form(), follow=True)
    transfer = Transfer.objects.get()
    assert f"Transfer {transfer.number} created: 3 units" in created.content.decode()
    assert on_hand(shop["warehouse"], shop["lamp"]) == 10  # nothing moves yet

    merchandiser.post(reverse("dashboard:stock-transfer-ship", args=[transfer.pk]))
    assert on_hand(shop["warehouse"], shop["lamp"]) == 7
    listing = merchandiser.get(reverse("dashboard:stock-transfer-list"), {"state": "shipped"})
    page = listing.content.decode()
    assert transfer.number in page and "3 × Desk Lamp (LAMP-1) on the way to Omnishop York" in page

    line = transfer.lines.get()
    detail = merchandiser.post(
        reverse("dashboard:stock-transfer-receive", args=[transfer.pk]),
        {f"line-{line.pk}": "2"},
        follow=True,
    ).content.decode()
    assert "received: 1 units missing" in detail
    assert "2 of 3 arrived, 1 missing" in detail  # the ledger row's note
    assert on_hand(shop["york"], shop["lamp"]) == 2
    assert list(ledger_drift()) == []


def test_create_and_ship_at_once_refuses_units_promised_to_orders(shop, merchandiser):
    services.allocate(location=shop["leeds"], quantities={shop["lamp"].pk: 1})
    response = merchandiser.post(
        reverse("dashboard:stock-transfer"),
        plan_form(source="leeds", lines=(("LAMP-1", 2),), ship="1"),
    )
    assert response.status_code == 400
    assert "Only 1 left of Desk Lamp at Omnishop Leeds" in response.content.decode()
    assert not Transfer.objects.exists() and on_hand(shop["leeds"], shop["lamp"]) == 2


def test_the_plan_form_names_each_bad_field(shop, merchandiser):
    page = merchandiser.post(
        reverse("dashboard:stock-transfer"),
        plan_form(source="york", lines=(("NOPE", 1), ("LAMP-1", ""))),
    ).content.decode()
    assert "Choose two different locations." in page
    assert "No product has this UPC." in page and "Give how many units to send." in page
    empty = merchandiser.post(reverse("dashboard:stock-transfer"), plan_form(lines=()))
    assert "Add at least one product." in empty.content.decode()
    assert not Transfer.objects.exists()


def test_a_planned_transfer_can_be_cancelled_and_a_shipped_one_cannot(shop, merchandiser):
    planned = services.create_transfer(
        source=shop["warehouse"], destination=shop["york"], quantities={shop["lamp"].pk: 1}
    )
    merchandiser.post(reverse("dashboard:stock-transfer-cancel", args=[planned.pk]))
    planned.refresh_from_db()
    assert planned.state == "cancelled"
    again = merchandiser.post(reverse("dashboard:stock-transfer-ship", args=[planned.pk]))
    assert again.status_code == 409
    assert "it can no longer be shipped" in again.content.decode()
    assert not StockMovement.objects.filter(transfer_id=planned.reference).exists()


def test_the_list_filters_by_location_and_direction(shop, merchandiser):
    out = services.create_transfer(
        source=shop["leeds"], destination=shop["york"], quantities={shop["lamp"].pk: 1}
    )
    into = services.create_transfer(
        source=shop["warehouse"], destination=shop["leeds"], quantities={shop["lamp"].pk: 1}
    )
    url = reverse("dashboard:stock-transfer-list")
    page = merchandiser.get(url, {"location": "leeds", "direction": "in"}).content.decode()
    assert into.number in page and out.number not in page
    page = merchandiser.get(url, {"location": "york"}).content.decode()
    assert out.number in page and into.number not in page


def test_a_bad_file_is_refused_whole_and_a_good_one_creates_its_transfers(shop, merchandiser):
    url = reverse("dashboard:stock-transfer-upload")
    bad = SimpleUploadedFile(
        "t.csv", b"source,destination,sku,quantity\nweb,york,LAMP-1,2\nweb,mars,LAMP-1,x\n"
    )
    response = merchandiser.post(url, {"file": bad})
    page = response.content.decode()
    assert response.status_code == 400 and "2 problems in the file" in page
    assert "unknown location &#x27;mars&#x27;" in page and "not a whole number" in page
    assert not Transfer.objects.exists()

    good = SimpleUploadedFile(
        "t.csv", b"source,destination,sku,quantity\nweb,york,LAMP-1,2\nweb,leeds,LAMP-1,1\n"
    )
    done = merchandiser.post(url, {"file": good}, follow=True).content.decode()
    assert "Created 2 transfers from t.csv" in done
    assert Transfer.objects.filter(state="created").count() == 2


def test_store_staff_cannot_open_the_dashboards_transfer_pages(shop, client):
    client.force_login(StoreStaffFactory(location=shop["leeds"]).user)
    for name in ("dashboard:stock-transfer", "dashboard:stock-transfer-list"):
        assert client.get(reverse(name)).status_code == 403
