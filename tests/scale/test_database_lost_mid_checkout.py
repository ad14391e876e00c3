"""The database connection cut while an order is being placed (``pg_terminate_backend`` from
another connection, as in a fail-over): the shopper is asked to try again (503 with
Retry-After), nothing of the order is left behind, and trying again places exactly one order."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from oscar.apps.order.signals import order_placed
from oscar.core.loading import get_model

from apps.inventory.models import StockMovement
from apps.inventory.selectors import ledger_drift
from config.errors import RETRY_AFTER_SECONDS
from tests.api.conftest import api_client, errors
from tests.checkout.conftest import add_to_basket, choose_collect, place_order, start_guest_checkout
from tests.factories import UserFactory
from tests.scale.faults import GatewayThatLosesTheDatabase, terminate_own_backend

Order = get_model("order", "Order")
Basket = get_model("basket", "Basket")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lose_the_database_at_payment(settings):
    """The connection is cut once the order, its allocation and its ledger rows are written."""
    settings.OMNISHOP_PAYMENT_GATEWAY = "tests.scale.faults.GatewayThatLosesTheDatabase"
    GatewayThatLosesTheDatabase.seen.clear()
    yield GatewayThatLosesTheDatabase.seen
    settings.OMNISHOP_PAYMENT_GATEWAY = "apps.checkout.payment.TestGateway"


@pytest.fixture
def lose_the_database_when_the_order_is_created():
    """The connection is cut when Oscar announces the order (``order_placed``): the order and
    its lines are written, the stock not yet allocated."""
    seen = []

    def cut(sender, order, **kwargs):
        seen.append({"order": Order.objects.filter(pk=order.pk).exists(), "allocations": 0})
        terminate_own_backend()

    order_placed.connect(cut, dispatch_uid="scale-test-cut")
    yield seen
    order_placed.disconnect(dispatch_uid="scale-test-cut")


def nothing_was_written(shop):
    record = StockRecord.objects.get(partner=shop["leeds"].partner, product=shop["lamp"])
    assert not Order.objects.exists()
    assert not StockMovement.objects.exclude(reason="receipt").exists()
    assert (record.num_in_stock, record.num_allocated) == (2, 0)
    assert list(ledger_drift()) == []
    call_command("check_stock_ledger")  # raises CommandError on drift


@pytest.mark.parametrize(
    "hook", ["lose_the_database_at_payment", "lose_the_database_when_the_order_is_created"]
)
def test_a_checkout_whose_database_connection_is_cut_asks_to_try_again_and_leaves_nothing(
    postgres, shop, request, hook
):
    shopper = Client(raise_request_exception=False)  # the browser sees what a shopper sees
    add_to_basket(shopper, shop["lamp"])
    start_guest_checkout(shopper)
    choose_collect(shopper, "leeds")
    seen = request.getfixturevalue(hook)

    response = place_order(shopper)

    assert seen and seen[0]["order"]  # the cut came with the order half-written
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    page = " ".join(response.content.decode().split())
    assert "Please try again" in page
    assert "no order was placed and nothing was charged" in page
    assert 'class="site-header"' in page  # in the shop's own layout
    nothing_was_written(shop)
    assert Basket.objects.get().status == Basket.OPEN  # still the shopper's, not frozen

    request.getfixturevalue(
        "settings"
    ).OMNISHOP_PAYMENT_GATEWAY = "apps.checkout.payment.TestGateway"
    order_placed.disconnect(dispatch_uid="scale-test-cut")
    again = place_order(shopper)

    assert again.status_code == 302 and again["Location"] == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert order.pickup_location == shop["leeds"]
    assert StockMovement.objects.filter(reason="allocation", reference=order.number).count() == 1
    source = order.sources.get()  # authorised once, charged at handover
    assert (source.amount_allocated, source.amount_debited) == (order.total_incl_tax, 0)
    assert list(ledger_drift()) == []


def test_the_api_checkout_whose_database_connection_is_cut_answers_503_and_a_retry_places_one(
    postgres, shop, lose_the_database_at_payment
):
    app = api_client(UserFactory(email="shona@example.com"))
    app.raise_request_exception = False
    body = {"store": "leeds", "lines": [{"upc": "LAMP-1", "quantity": 1}]}
    key = {"HTTP_IDEMPOTENCY_KEY": "phone-retry-1"}

    response = app.post("/api/checkout/collect/", body, format="json", **key)

    assert lose_the_database_at_payment[0]["allocations"] == 1  # cut after the allocation
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json()["type"] == "server_error"
    assert errors(response) == {"": "service_unavailable"}
    nothing_was_written(shop)

    lose_the_database_at_payment.clear()
    from django.conf import settings

    settings.OMNISHOP_PAYMENT_GATEWAY = "apps.checkout.payment.TestGateway"
    again = app.post("/api/checkout/collect/", body, format="json", **key)

    assert again.status_code == 201, again.content
    order = Order.objects.get()
    assert again.json()["number"] == order.number
    assert StockMovement.objects.filter(reason="allocation", reference=order.number).count() == 1
    assert list(ledger_drift()) == []


def test_the_schema_documents_503_with_retry_after_on_every_operation(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            answer = operation["responses"].get("503")
            assert answer is not None, (method, path)
            body = answer["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/ErrorResponse"}, (method, path)
            assert answer["headers"]["Retry-After"]["required"] is True
