"""Flash-sale holds on the shop's pages: adding to the basket holds at my store and says what was
held until when, other shoppers see held units gone on their very next page (and back when the
hold ends), and the pages cost no query more per line."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from apps.inventory.models import BasketHold
from tests.checkout.conftest import choose_collect, place_order, start_guest_checkout
from tests.factories import ProductFactory, UserFactory, stock

T0 = dt.datetime(2026, 12, 3, 14, 17, tzinfo=dt.UTC)  # 14:17 in London


@pytest.fixture
def sale(settings):
    settings.OMNISHOP_BASKET_HOLD_MINUTES = 15
    settings.OMNISHOP_HOLD_LIMIT_PER_CUSTOMER = 0
    return settings


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def at_leeds() -> Client:
    shopper = Client()
    shopper.post("/stores/leeds/choose/")
    return shopper


def add(client, product, quantity=1) -> str:
    """Add to the basket; the words of the page it lands on (the basket)."""
    response = client.post(
        reverse("basket:add", args=[product.pk]),
        {"quantity": quantity, "next": reverse("basket:summary")},
        follow=True,
    )
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def words(client, url) -> str:
    return " ".join(client.get(url).content.decode().split())


def test_the_basket_says_what_is_held_for_the_shopper_until_when(shop, sale, clock, db):
    shopper = at_leeds()

    page = add(shopper, shop["lamp"], 2)

    assert "2 × Desk Lamp held for you at Omnishop Leeds until 14:32." in page
    assert 'Desk Lamp: can be collected <br><small data-held="2">held for you until 14:32' in page
    assert "Collect for free" in page  # priced for collection: the held lamps are its own
    clock.shift(dt.timedelta(minutes=15))
    assert "held for you" not in words(shopper, reverse("basket:summary"))


def test_other_shoppers_see_held_units_gone_on_their_next_page_and_back_when_it_ends(
    shop, sale, clock
):
    other, holder = at_leeds(), at_leeds()
    url = shop["lamp"].get_absolute_url()
    other.get(url)  # says "your store is Leeds" once
    assert "Only 2 left at Omnishop Leeds" in words(other, url)
    assert "Only 2 left at Omnishop Leeds" in words(other, "/")  # the home page's card
    assert "Only 2 left at Omnishop Leeds" in words(other, url)  # as kept

    add(holder, shop["lamp"])
    assert "Only 1 left at Omnishop Leeds" in words(other, url)
    assert "Only 1 left at Omnishop Leeds" in words(other, "/")

    add(holder, shop["lamp"])
    assert "Not available at Omnishop Leeds" in words(other, url)
    assert "Not available at Omnishop Leeds" in words(other, "/")
    assert "Only 2 left at Omnishop Leeds" in words(holder, url)  # the holder's own

    clock.shift(dt.timedelta(minutes=15))  # over, before any job ran
    assert "Only 2 left at Omnishop Leeds" in words(other, url)
    assert "Only 2 left at Omnishop Leeds" in words(other, "/")


def test_adding_more_than_is_free_adds_what_could_be_held_and_says_why(shop, sale, clock):
    holder, other = at_leeds(), at_leeds()
    add(holder, shop["lamp"])

    page = add(other, shop["lamp"], 3)

    assert (
        "Only 1 of Desk Lamp left at Omnishop Leeds: your basket has 1 (not 3), held for you "
        "until 14:32." in page
    )
    assert sorted(BasketHold.objects.values_list("quantity", flat=True)) == [1, 1]
    assert "Desk Lamp: can be collected" in page

    third = add(at_leeds(), shop["lamp"])
    assert "Desk Lamp is sold out at Omnishop Leeds for now" in third
    assert "it was not added" in third
    assert "Your basket is empty" in third


def test_a_customer_adding_beyond_the_limit_is_told_the_limit(shop, sale, clock):
    sale.OMNISHOP_HOLD_LIMIT_PER_CUSTOMER = 1
    shopper = at_leeds()

    page = add(shopper, shop["lamp"], 2)

    assert (
        "You can hold at most 1 of Desk Lamp in this sale: your basket has 1, held for you at "
        "Omnishop Leeds until 14:32." in page
    )
    again = add(shopper, shop["lamp"])  # one more: the basket keeps the 1 held
    assert "You can hold at most 1 of Desk Lamp in this sale: your basket has 1" in again
    assert BasketHold.objects.get().basket.lines.get().quantity == 1


def test_a_holder_checks_out_the_held_units_and_the_hold_ends(shop, sale, clock):
    holder = at_leeds()
    add(holder, shop["lamp"], 2)
    start_guest_checkout(holder)
    choose_collect(holder, "leeds")

    assert place_order(holder)["Location"] == reverse("checkout:thank-you")

    assert not BasketHold.objects.exists()
    assert "Not available at Omnishop Leeds" in words(at_leeds(), shop["lamp"].get_absolute_url())


def test_a_guest_who_signs_in_keeps_their_hold(shop, sale, clock):
    guest = at_leeds()
    add(guest, shop["lamp"], 2)
    shopper = UserFactory()

    guest.force_login(shopper)
    page = words(guest, reverse("basket:summary"))

    assert BasketHold.objects.get().basket.owner == shopper
    assert "held for you until 14:32" in page


def test_without_the_setting_adding_holds_nothing(shop, settings, clock):
    settings.OMNISHOP_BASKET_HOLD_MINUTES = 0

    page = add(at_leeds(), shop["lamp"], 2)

    assert not BasketHold.objects.exists()
    assert "held for you" not in page
    assert "Only 2 left at Omnishop Leeds" in words(at_leeds(), shop["lamp"].get_absolute_url())


def basket_page_queries(settings, minutes, lines, django_assert_max_num_queries) -> int:
    settings.OMNISHOP_BASKET_HOLD_MINUTES = minutes
    shopper = at_leeds()
    for product in lines:
        add(shopper, product)
    shopper.get(reverse("basket:summary"))  # warm
    with django_assert_max_num_queries(50) as captured:
        assert shopper.get(reverse("basket:summary")).status_code == 200
    return len(captured)


def test_holds_add_no_query_per_line_to_the_basket_page(
    shop, settings, clock, django_assert_max_num_queries
):
    products = [ProductFactory(title=f"Kettle {i}") for i in range(3)]
    for product in products:
        stock(shop["warehouse"], product, 5)
        stock(shop["leeds"], product, 5)

    off = basket_page_queries(settings, 0, products, django_assert_max_num_queries)
    one = basket_page_queries(settings, 15, products[:1], django_assert_max_num_queries)
    three = basket_page_queries(settings, 15, products, django_assert_max_num_queries)

    assert three == one  # whatever the lines
    assert three <= off + 1  # the basket's holds, in one query


def test_holds_add_no_query_to_the_product_page(
    shop, settings, clock, django_assert_max_num_queries
):
    def product_page_queries(minutes) -> int:
        settings.OMNISHOP_BASKET_HOLD_MINUTES = minutes
        shopper, url = at_leeds(), shop["lamp"].get_absolute_url()
        shopper.get(url)
        shopper.get(url)
        with django_assert_max_num_queries(20) as captured:
            shopper.get(url)
        return len(captured)

    off = product_page_queries(0)
    add(at_leeds(), shop["lamp"])  # someone holds one: the page must say 1, read fresh
    assert product_page_queries(15) == off


def test_a_product_my_store_has_none_of_is_added_as_without_a_sale(shop, sale, clock):
    kettle = ProductFactory(title="Kettle")
    stock(shop["warehouse"], kettle, 5)  # for delivery; none at Leeds

    page = add(at_leeds(), kettle)
    without_a_store = add(Client(), shop["lamp"])

    assert "Kettle: not available at this store" in page
    assert "held for you" not in page + without_a_store
    assert not BasketHold.objects.exists()


def test_choosing_another_store_moves_the_hold_there(shop, sale, clock):
    stock(shop["york"], shop["lamp"], 1)
    shopper, other = at_leeds(), at_leeds()
    add(shopper, shop["lamp"], 2)

    shopper.post("/stores/york/choose/")

    assert "Only 2 left at Omnishop Leeds" in words(other, shop["lamp"].get_absolute_url())
    basket = words(shopper, reverse("basket:summary"))
    assert "Desk Lamp: only 1 at this store" in basket
    assert "1 held for you until 14:32" in basket
    assert BasketHold.objects.get().stockrecord.partner_id == shop["york"].partner_id
