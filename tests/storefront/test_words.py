"""Counts read as English ("1 order", "1 day") and availability words name where the stock is:
never "Only 0 left", never "Not at Leeds" beside a bare green "In stock"."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.inventory import services as stock_services
from apps.inventory.selectors import availability
from apps.pickup import services
from apps.stores.models import Location
from tests.factories import OrderFactory, StoreStaffFactory, pick_all


def text(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def demo(db):
    call_command("load_demo", "--products", "24", "--no-progress", verbosity=0)
    return Location.objects.get(code="leeds")


def test_a_card_sold_out_at_my_store_says_so_first_then_home_delivery(demo, client):
    client.post("/stores/leeds/choose/")
    products = [r.object for r in client.get("/catalogue/").context["page_obj"].object_list]
    product = products[0]
    units = availability(products=[product], locations=[demo]).at(product, demo)
    if units:
        stock_services.sell_in_store(location=demo, quantities={product.pk: units})
    body = text(client.get("/catalogue/"))
    (card,) = [
        card.split("</article>")[0]
        for card in body.split('<article class="product_pod">')[1:]
        if f'href="{product.get_absolute_url()}"' in card
    ]
    store = card.index("Not available at Omnishop Leeds")
    delivery = card.index("Home delivery: in stock")
    assert store < delivery
    assert "Only 0 left" not in body and "Not at " not in body
    assert not re.search(r"</i>\s*In stock\s*</p>", body)  # Oscar's unplaced "In stock" is gone


def test_the_wave_button_counts_one_order_in_the_singular(shop, client):
    OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1}, guest_email="ann@shop.test")
    client.force_login(StoreStaffFactory(location=shop["leeds"]).user)
    page = text(client.get(reverse("console:pick-wave", args=["leeds"])))
    assert "Waiting to be picked · 1 order" in page
    assert "Start picking this order" in page and "these 1 orders" not in page


def test_a_one_day_hold_is_one_day_in_the_emails(
    shop, mailoutbox, django_capture_on_commit_callbacks
):
    shop["leeds"].holding_days = 1
    shop["leeds"].save(update_fields=["holding_days"])
    order = OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1}, guest_email="ann@shop.test")
    staff = StoreStaffFactory(location=shop["leeds"]).user
    services.start_picking(order=order, by=staff)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        pick_all(order, staff)
        services.mark_ready(order=order, by=staff)
    (message,) = mailoutbox
    assert "We keep your order for 1 day." in message.body and "1 days" not in message.body


def test_store_page_and_collect_choice_say_one_day(shop, client):
    shop["leeds"].holding_days = 1
    shop["leeds"].save(update_fields=["holding_days"])
    page = text(client.get(reverse("stores:detail", args=["leeds"])))
    assert "wait 1 day for you" in page and "1 days" not in page
