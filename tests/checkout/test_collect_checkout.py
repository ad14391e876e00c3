"""Click and collect at checkout: no address, free, the store's stock allocated before payment."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from apps.inventory.models import StockMovement
from apps.inventory.selectors import availability, ledger_drift
from apps.order import pickup_codes
from apps.order.statuses import PLACED
from tests.checkout.conftest import add_to_basket, choose_collect, place_order, start_guest_checkout
from tests.factories import UserFactory

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")


def test_guest_collect_checkout_places_a_pickup_order_with_a_code(shop, client):
    add_to_basket(client, shop["lamp"])
    start_guest_checkout(client)
    response = client.get(reverse("checkout:fulfilment"))
    assert response.status_code == 200
    options = {o.store.code: o.has_everything for o in response.context["options"]}
    assert options == {"leeds": True, "york": False}

    response = choose_collect(client, "leeds")
    assert response["Location"] == reverse("checkout:payment-method")
    preview = client.get(reverse("checkout:preview"))
    assert preview.status_code == 200
    summary = " ".join(preview.content.decode().split())
    assert "Click and collect at Omnishop Leeds" in summary
    assert "Collected by <strong>Ann Other</strong>" in summary
    assert f"at {preview.context['ready_at']:%H:%M}" in summary  # ready-by time
    total = preview.context["order_total"].incl_tax
    assert total == preview.context["basket"].total_incl_tax  # collection is free
    assert f"To pay: <strong>£{total}</strong> (collection is free)" in summary
    assert "Payment details to go here" not in summary

    response = place_order(client)
    assert response.status_code == 302 and response["Location"] == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert order.pickup_location == shop["leeds"]
    assert order.shipping_address is None
    assert order.shipping_code == "collect-in-store"
    assert order.shipping_incl_tax == 0
    assert order.status == PLACED and order.channel == "web"
    assert order.guest_email == "guest@example.com"
    assert order.pickup_name == "Ann Other"
    assert len(order.pickup_code) == 8 and set(order.pickup_code) <= set(pickup_codes.ALPHABET)
    assert order.ready_by is not None
    assert order.lines.get().partner.location == shop["leeds"]
    source = order.sources.get()  # authorised for the total, charged at handover
    assert (source.amount_allocated, source.amount_debited) == (order.total_incl_tax, 0)
    assert [e.event_type.name for e in order.payment_events.all()] == ["Authorised"]

    record = StockRecord.objects.get(partner=shop["leeds"].partner, product=shop["lamp"])
    assert (record.num_in_stock, record.num_allocated) == (2, 1)
    movement = StockMovement.objects.get(reason="allocation")
    assert movement.reference == order.number and movement.location == shop["leeds"]
    assert list(ledger_drift()) == []

    thank_you = client.get(reverse("checkout:thank-you"))
    body = thank_you.content.decode()
    assert pickup_codes.display(order.pickup_code) in body
    assert "<svg" in body  # the QR code, drawn locally
    assert (
        f"£{order.total_incl_tax} is held on your card (Test payment, reference TEST-{order.number})"
        ": it is charged when you collect, only for what you take." in body
    )


def test_the_collect_step_names_what_each_other_store_lacks(shop, client):
    from tests.factories import ProductFactory, stock

    kettle = ProductFactory(title="Kettle")
    stock(shop["leeds"], kettle, 1)
    stock(shop["york"], kettle, 5)
    stock(shop["warehouse"], kettle, 5)
    add_to_basket(client, shop["lamp"])
    add_to_basket(client, kettle, quantity=2)
    start_guest_checkout(client)
    page = client.get(reverse("checkout:fulfilment"))
    body = " ".join(page.content.decode().split())
    assert page.context["stocked_options"] == []
    assert "No nearby store has everything in your basket" in body
    assert "Kettle (only 1 of 2)" in body  # Leeds
    assert "Desk Lamp (none)" in body  # York
    assert 'name="store" value=' not in body  # nothing to choose


def test_a_store_without_the_whole_basket_cannot_be_chosen(shop, client):
    add_to_basket(client, shop["lamp"])
    start_guest_checkout(client)
    response = choose_collect(client, "york")
    assert response.status_code == 200
    assert "That store does not have everything in your basket" in response.content.decode()
    assert not Order.objects.exists()


def test_collect_needs_a_store_and_who_will_collect(shop, client):
    add_to_basket(client, shop["lamp"])
    start_guest_checkout(client)
    response = client.post(reverse("checkout:fulfilment"), {"method": "collect"})
    body = response.content.decode()
    assert "Choose a store that has everything" in body
    assert "Tell us who will collect the order" in body


def test_stock_gone_while_checking_out_brings_the_shopper_back_with_no_order(shop, client):
    add_to_basket(client, shop["lamp"], quantity=2)
    start_guest_checkout(client)
    choose_collect(client, "leeds")
    # Someone else buys one at the till in the meantime.
    from apps.inventory import services

    services.sell_in_store(location=shop["leeds"], quantities={shop["lamp"].pk: 1})
    response = place_order(client)
    assert response.status_code == 302 and response["Location"] == reverse("basket:summary")
    page = client.get(reverse("basket:summary"))
    assert "Only 1 left of Desk Lamp at Omnishop Leeds" in page.content.decode()
    assert not Order.objects.exists()
    assert (
        availability(products=[shop["lamp"]], locations=[shop["leeds"]]).at(
            shop["lamp"], shop["leeds"]
        )
        == 1
    )
    assert not StockMovement.objects.filter(reason="allocation").exists()
    assert page.context["basket"].num_items == 2  # the basket is the shopper's again


def test_failed_payment_places_no_order_and_leaves_the_stock_untouched(shop, client, settings):
    settings.OMNISHOP_PAYMENT_GATEWAY = "apps.checkout.payment.DecliningTestGateway"
    add_to_basket(client, shop["lamp"])
    start_guest_checkout(client)
    choose_collect(client, "leeds")
    response = place_order(client)
    assert "declined by the test gateway" in response.content.decode()
    assert not Order.objects.exists()
    record = StockRecord.objects.get(partner=shop["leeds"].partner, product=shop["lamp"])
    assert record.num_allocated == 0
    # Allocation, order and payment are one transaction: the refusal undid the allocation.
    assert not StockMovement.objects.exclude(reason="receipt").exists()
    assert list(ledger_drift()) == []


def test_double_submitting_place_order_creates_one_order(shop, client):
    add_to_basket(client, shop["lamp"])
    start_guest_checkout(client)
    choose_collect(client, "leeds")
    first = place_order(client)
    second = place_order(client)
    assert first.status_code == 302
    assert second.status_code == 302
    assert Order.objects.count() == 1
    assert StockMovement.objects.filter(reason="allocation").count() == 1


def test_signed_in_shopper_collects_and_sees_the_order_in_their_account(shop, client):
    shopper = UserFactory(email="shona@example.com")
    client.force_login(shopper)
    add_to_basket(client, shop["lamp"])
    assert client.get(reverse("checkout:index"))["Location"] == reverse("checkout:fulfilment")
    choose_collect(client, "leeds")
    assert place_order(client)["Location"] == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert order.user == shopper
    history = client.get(reverse("customer:order-list"))
    assert order.number in history.content.decode()


def test_delivery_keeps_oscars_address_flow_and_allocates_at_the_warehouse(shop, client):
    add_to_basket(client, shop["lamp"])
    start_guest_checkout(client)
    response = client.post(reverse("checkout:fulfilment"), {"method": "delivery"})
    assert response["Location"] == reverse("checkout:shipping-address")
    from oscar.core.loading import get_model as gm

    country = gm("address", "Country").objects.create(
        iso_3166_1_a2="GB", name="United Kingdom", is_shipping_country=True
    )
    response = client.post(
        reverse("checkout:shipping-address"),
        {
            "first_name": "Ann",
            "last_name": "Other",
            "line1": "1 Road",
            "line4": "Leeds",
            "postcode": "LS1 1AA",
            "country": country.pk,
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("checkout:shipping-method")).status_code == 302
    assert place_order(client)["Location"] == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert order.pickup_location is None and order.pickup_code is None
    assert order.shipping_code == "standard-delivery"
    assert order.shipping_address.line4 == "Leeds"
    record = StockRecord.objects.get(partner=shop["warehouse"].partner, product=shop["lamp"])
    assert record.num_allocated == 1


def test_checkout_skips_to_the_choice_before_asking_for_an_address(shop, client):
    add_to_basket(client, shop["lamp"])
    start_guest_checkout(client)
    assert client.get(reverse("checkout:shipping-address"))["Location"] == reverse(
        "checkout:fulfilment"
    )


@pytest.mark.parametrize("length", [8])
def test_pickup_codes_are_unambiguous_and_too_many_to_guess(length):
    assert not set("0O1IL") & set(pickup_codes.ALPHABET)
    assert len(pickup_codes.ALPHABET) ** length == 852_891_037_441
    codes = {pickup_codes.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == length for c in codes)


def test_confirmation_email_carries_the_pickup_code_and_store(
    shop, client, mailoutbox, django_capture_on_commit_callbacks
):
    add_to_basket(client, shop["lamp"])
    start_guest_checkout(client, email="shopper@example.com")
    choose_collect(client, "leeds")
    with django_capture_on_commit_callbacks(execute=True):
        place_order(client)
    order = Order.objects.get()
    message = mailoutbox[-1]
    assert message.to == ["shopper@example.com"]
    assert pickup_codes.display(order.pickup_code) in message.body
    assert "CLICK AND COLLECT at Omnishop Leeds" in message.body
    html = message.alternatives[0][0]
    assert pickup_codes.display(order.pickup_code) in html
    assert 'src="data:image/png;base64,' in html  # the QR code, for mail clients without SVG


def test_collect_at_my_store_is_offered_first_when_it_has_everything(shop, client):
    client.post(reverse("stores:choose", args=["leeds"]))
    add_to_basket(client, shop["lamp"])
    start_guest_checkout(client)
    form = client.get(reverse("checkout:fulfilment")).context["form"]
    assert form.initial == {"method": "collect", "store": "leeds", "name": "", "phone": ""}


def test_one_price_everywhere_even_when_the_warehouse_price_changes(shop, client):
    add_to_basket(client, shop["lamp"])
    start_guest_checkout(client)
    choose_collect(client, "leeds")  # the line is now bound to the Leeds stock record
    StockRecord.objects.filter(partner=shop["warehouse"].partner, product=shop["lamp"]).update(
        price="12.50"
    )
    place_order(client)
    order = Order.objects.get()
    assert order.lines.get().partner.location == shop["leeds"]
    assert str(order.lines.get().unit_price_incl_tax) == "12.50"


def test_lines_added_after_choosing_collect_are_collected_from_the_store_too(shop, client):
    from tests.factories import ProductFactory, stock

    kettle = ProductFactory(title="Kettle")
    stock(shop["warehouse"], kettle, 3)
    stock(shop["leeds"], kettle, 3)
    add_to_basket(client, shop["lamp"])
    start_guest_checkout(client)
    choose_collect(client, "leeds")
    add_to_basket(client, kettle)
    response = place_order(client)
    assert response.status_code == 302
    order = Order.objects.get()
    assert {line.partner.location.code for line in order.lines.all()} == {"leeds"}
    assert StockRecord.objects.get(partner=shop["leeds"].partner, product=kettle).num_allocated == 1
