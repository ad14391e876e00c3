"""One customer in every channel: the phone a shopper gives finds them at the till and the counter."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from apps.instore import services as instore
from apps.pickup.selectors import find_orders
from apps.profiles import phones
from apps.profiles.models import Profile
from tests.checkout.conftest import add_to_basket, place_order, start_guest_checkout
from tests.factories import OrderFactory, StoreStaffFactory, UserFactory

Order = get_model("order", "Order")


@pytest.mark.parametrize(
    "typed", ["07911 123456", "07911123456", "+44 7911 123456", "(07911) 123-456", "+447911123456"]
)
def test_phone_numbers_are_kept_in_one_form_however_they_are_typed(typed):
    assert phones.normalise(typed) == "+447911123456"


@pytest.mark.parametrize("typed", ["", "shona@example.com", "hello", "12"])
def test_what_is_not_a_phone_number_normalises_to_nothing(typed):
    assert phones.normalise(typed) == ""


def test_a_shopper_adds_their_phone_on_the_account_profile_page(client, db):
    shopper = UserFactory(email="shona@example.com", first_name="Shona", last_name="Reid")
    client.force_login(shopper)
    response = client.post(
        reverse("customer:profile-update"),
        {
            "email": "shona@example.com",
            "first_name": "Shona",
            "last_name": "Reid",
            "phone": "07911 123456",
        },
    )
    assert response.status_code == 302
    assert str(Profile.objects.get(user=shopper).phone) == "+447911123456"
    page = " ".join(client.get(reverse("customer:profile-view")).content.decode().split())
    assert "Mobile phone" in page and "+447911123456" in page


def test_a_profile_refuses_what_is_not_a_phone_number(client, db):
    shopper = UserFactory(email="shona@example.com")
    client.force_login(shopper)
    response = client.post(
        reverse("customer:profile-update"),
        {"email": "shona@example.com", "first_name": "S", "last_name": "R", "phone": "call me"},
    )
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert not Profile.objects.filter(user=shopper).exists()


def test_the_till_finds_a_customer_by_the_phone_on_their_profile(db):
    shopper = UserFactory(email="shona@example.com")
    Profile.objects.create(user=shopper, phone="+447911123456")
    assert instore.find_customer("07911 123 456") == shopper


def test_a_phone_two_accounts_share_is_refused_not_guessed(db):
    for email in ("a@example.com", "b@example.com"):
        Profile.objects.create(user=UserFactory(email=email), phone="+447911123456")
    with pytest.raises(instore.InstoreError, match="More than one customer"):
        instore.find_customer("07911123456")


def test_an_unknown_phone_at_the_till_is_an_error_not_a_guest_sale(db):
    with pytest.raises(instore.InstoreError, match="No customer has the phone"):
        instore.find_customer("07912 345678")
    with pytest.raises(
        instore.InstoreError, match="not an e-mail address or a phone number we recognise"
    ):
        instore.find_customer("Shona")
    assert instore.find_customer("new@example.com") is None  # a guest receipt by e-mail


def test_a_till_sale_by_phone_lands_in_the_customers_account(shop, client):
    shopper = UserFactory(email="shona@example.com")
    Profile.objects.create(user=shopper, phone="+447911123456")
    client.force_login(StoreStaffFactory(location=shop["leeds"]).user)
    client.get(reverse("console:sale", args=["leeds"]), {"q": "LAMP-1"})
    response = client.post(
        reverse("console:sale", args=["leeds"]),
        {"action": "complete", "customer": "07911 123456", "tender": "cash", "tendered": "10"},
    )
    order = Order.objects.get(channel="store")
    assert response["Location"] == reverse("console:sale-receipt", args=["leeds", order.number])
    assert order.user == shopper and order.guest_email == ""
    client.force_login(shopper)
    assert order.number in client.get(reverse("customer:order-list")).content.decode()


def test_a_till_sale_to_an_unknown_phone_is_refused_with_the_cart_kept(shop, client):
    client.force_login(StoreStaffFactory(location=shop["leeds"]).user)
    client.get(reverse("console:sale", args=["leeds"]), {"q": "LAMP-1"})
    response = client.post(
        reverse("console:sale", args=["leeds"]),
        {"action": "complete", "customer": "07912 345678"},
        follow=True,
    )
    assert "No customer has the phone 07912 345678" in response.content.decode()
    assert not Order.objects.exists()
    assert "Desk Lamp" in response.content.decode()


def collect_with_phone(client, shop, phone):
    add_to_basket(client, shop["lamp"])
    start_guest_checkout(client)
    return client.post(
        reverse("checkout:fulfilment"),
        {"method": "collect", "store": "leeds", "name": "Ann Other", "phone": phone},
    )


def test_checkout_keeps_the_collectors_phone_in_one_form(shop, client):
    collect_with_phone(client, shop, "07911 123 456")
    place_order(client)
    assert Order.objects.get().pickup_phone == "+447911123456"


def test_checkout_refuses_a_phone_we_could_not_text(shop, client):
    response = collect_with_phone(client, shop, "not a number")
    assert response.status_code == 200
    assert "Enter a phone number we can text" in response.content.decode()


def test_console_search_finds_the_order_however_staff_type_the_phone(shop):
    order = OrderFactory(
        store=shop["leeds"], lines={shop["lamp"]: 1}, pickup_phone="+44 7911 123456"
    )
    assert list(find_orders(shop["leeds"], "07911123456")) == [order]


def test_the_counter_finds_a_customers_orders_by_their_profile_phone(shop, client):
    shopper = UserFactory(email="shona@example.com")
    Profile.objects.create(user=shopper, phone="+447911123456")
    staff = StoreStaffFactory(location=shop["leeds"]).user
    sale = instore.sell(
        location=shop["leeds"], quantities={shop["lamp"].pk: 1}, by=staff, customer=shopper
    )
    client.force_login(staff)
    page = client.get(reverse("console:returns", args=["leeds"]), {"q": "07911 123456"})
    assert f"#{sale.number}" in page.content.decode()


def test_the_counter_finds_orders_by_the_customers_full_name(shop, client):
    shopper = UserFactory(email="shona@example.com", first_name="Shona", last_name="Reid")
    staff = StoreStaffFactory(location=shop["leeds"]).user
    sale = instore.sell(
        location=shop["leeds"], quantities={shop["lamp"].pk: 1}, by=staff, customer=shopper
    )
    client.force_login(staff)
    page = client.get(reverse("console:returns", args=["leeds"]), {"q": "shona reid"})
    assert f"#{sale.number}" in page.content.decode()
    other = client.get(reverse("console:returns", args=["leeds"]), {"q": "shona smith"})
    assert f"#{sale.number}" not in other.content.decode()
