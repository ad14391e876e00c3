import re

from django.urls import reverse
from oscar.core.loading import get_model

from apps.inventory import services
from apps.inventory.models import StockMovement
from apps.inventory.selectors import ledger_drift
from apps.stores.models import StoreStaff
from tests.factories import StoreStaffFactory

StockRecord = get_model("partner", "StockRecord")


def words(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_a_manager_counts_stock_through_the_ledger(shop, client):
    client.force_login(StoreStaffFactory(location=shop["leeds"], role=StoreStaff.Role.MANAGER).user)
    url = reverse("console:stock", args=["leeds"])
    assert "Desk Lamp LAMP-1 – 2 0 2 –" in words(client.get(url, {"q": "LAMP-1"}))
    done = words(
        client.post(
            url, {"product": shop["lamp"].pk, "counted": 5, "note": "found a box"}, follow=True
        )
    )
    assert "Desk Lamp: on hand set to 5." in done
    movement = StockMovement.objects.filter(reason="adjustment").get()
    assert movement.on_hand_delta == 3 and movement.note == "found a box"
    assert list(ledger_drift()) == []


def test_a_count_below_what_is_promised_is_refused(shop, client, order):
    client.force_login(StoreStaffFactory(location=shop["leeds"], role=StoreStaff.Role.MANAGER).user)
    done = words(
        client.post(
            reverse("console:stock", args=["leeds"]),
            {"product": shop["lamp"].pk, "counted": 1},
            follow=True,
        )
    )
    assert "counted 1 but 2 are allocated" in done


def test_associates_see_their_stores_stock_but_cannot_count_it(shop, client):
    client.force_login(StoreStaffFactory(location=shop["leeds"]).user)
    url = reverse("console:stock", args=["leeds"])
    page = client.get(url, {"q": "LAMP-1"})
    assert "Desk Lamp LAMP-1 – 2 0 2 –" in words(page)
    assert "Save count" not in page.content.decode()
    assert client.post(url, {"product": shop["lamp"].pk, "counted": 9}).status_code == 403
    assert not StockMovement.objects.filter(reason="adjustment").exists()


def test_other_stores_staff_cannot_see_or_count_its_stock(shop, client):
    client.force_login(StoreStaffFactory(location=shop["york"], role=StoreStaff.Role.MANAGER).user)
    url = reverse("console:stock", args=["leeds"])
    assert client.get(url, {"q": "LAMP-1"}).status_code == 403
    assert client.post(url, {"product": shop["lamp"].pk, "counted": 9}).status_code == 403
    assert not StockMovement.objects.filter(reason="adjustment").exists()


def test_can_sell_holds_back_the_stores_safety_buffer(shop, client):
    shop["leeds"].safety_buffer = 1
    shop["leeds"].save()
    client.force_login(StoreStaffFactory(location=shop["leeds"]).user)
    page = words(client.get(reverse("console:stock", args=["leeds"]), {"q": "LAMP-1"}))
    assert (
        "Desk Lamp LAMP-1 – 2 0 1 –" in page
    )  # no bin; on hand 2, promised 0, can sell 2 - 1 held back


def test_staff_see_each_products_bin_and_what_is_on_its_way_to_them(shop, client):
    client.force_login(StoreStaffFactory(location=shop["leeds"]).user)
    StockRecord.objects.filter(partner_id=shop["leeds"].partner_id).update(bin_location="B4-2")
    services.create_transfer(
        source=shop["warehouse"],
        destination=shop["leeds"],
        quantities={shop["lamp"].pk: 3},
        ship=True,
    )
    page = words(client.get(reverse("console:stock", args=["leeds"]), {"q": "LAMP-1"}))
    assert "Desk Lamp LAMP-1 B4-2 2 0 2 3" in page  # 3 shipped here, not on hand until received
