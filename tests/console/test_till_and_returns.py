import re

from django.urls import reverse

from apps.inventory.selectors import availability
from apps.order import statuses
from tests.factories import StoreStaffFactory, UserFactory


def text(response):
    """The page's words, without tags."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_till_scans_a_barcode_and_records_a_sale_for_a_customer(shop, client):
    client.force_login(StoreStaffFactory(location=shop["leeds"]).user)
    shopper = UserFactory(email="shona@example.com")
    url = reverse("console:sale", args=["leeds"])
    assert client.get(url, {"q": "LAMP-1"})["Location"] == url  # a scan adds the product
    assert "Desk Lamp × 1 2 available here" in text(client.get(url))
    done = text(
        client.post(url, {"action": "complete", "customer": "shona@example.com"}, follow=True)
    )
    assert "Sale recorded as order" in done
    order = shopper.orders.get()
    assert order.channel == "store" and order.status == statuses.COMPLETED
    assert (
        availability(products=[shop["lamp"]], locations=[shop["leeds"]]).at(
            shop["lamp"], shop["leeds"]
        )
        == 1
    )


def test_till_refuses_more_than_the_store_can_sell(shop, client):
    client.force_login(StoreStaffFactory(location=shop["leeds"]).user)
    url = reverse("console:sale", args=["leeds"])
    for _ in range(3):
        client.post(url, {"action": "add", "product": shop["lamp"].pk})
    done = text(client.post(url, {"action": "complete"}, follow=True))
    assert "Only 2 left of Desk Lamp at Omnishop Leeds" in done


def test_counter_return_of_a_till_sale_shows_in_the_customers_account(shop, client):
    staff = StoreStaffFactory(location=shop["leeds"]).user
    shopper = UserFactory(email="shona@example.com")
    client.force_login(staff)
    sale = reverse("console:sale", args=["leeds"])
    client.get(sale, {"q": "LAMP-1"})
    client.post(sale, {"action": "complete", "customer": "shona@example.com"})
    order = shopper.orders.get()
    found = text(client.get(reverse("console:returns", args=["leeds"]), {"q": "shona@example.com"}))
    assert f"Order #{order.number} · In store" in found
    line = order.lines.get()
    done = text(
        client.post(
            reverse("console:take-return", args=["leeds", order.number]),
            {f"line-{line.pk}": "1", "reason": "changed mind"},
            follow=True,
        )
    )
    assert "Return recorded" in done
    assert (
        availability(products=[shop["lamp"]], locations=[shop["leeds"]]).at(
            shop["lamp"], shop["leeds"]
        )
        == 2
    )
    client.force_login(shopper)
    account = text(client.get(reverse("customer:order", args=[order.number])))
    assert "Returned" in account and "at Omnishop Leeds: 1 × Desk Lamp" in account


def test_other_stores_staff_get_403_on_till_and_returns(shop, client):
    client.force_login(StoreStaffFactory(location=shop["york"]).user)
    assert client.get(reverse("console:sale", args=["leeds"])).status_code == 403
    assert client.get(reverse("console:returns", args=["leeds"])).status_code == 403
    assert client.post(reverse("console:take-return", args=["leeds", "100001"])).status_code == 403


def test_till_sales_and_returns_are_on_the_orders_console_timeline(shop, client):
    staff = StoreStaffFactory(location=shop["leeds"]).user
    client.force_login(staff)
    sale = reverse("console:sale", args=["leeds"])
    client.get(sale, {"q": "LAMP-1"})
    page = text(client.post(sale, {"action": "complete"}, follow=True))
    order = shop["lamp"].line_set.get().order
    assert f"Order #{order.number} · Completed" in page
    assert f"Sold at the till by {staff.get_full_name()}" in page
    line = order.lines.get()
    client.post(
        reverse("console:take-return", args=["leeds", order.number]),
        {f"line-{line.pk}": "1", "damaged": "on", "reason": "cracked"},
    )
    page = text(client.get(reverse("console:order", args=["leeds", order.number])))
    assert "Returned at the counter by" in page and "1 × Desk Lamp" in page
    assert "written off as damaged · cracked" in page
    client.force_login(StoreStaffFactory(location=shop["york"]).user)
    assert client.get(reverse("console:order", args=["york", order.number])).status_code == 404
