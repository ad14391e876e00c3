from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.http import HttpRequest
from oscar.core.loading import get_model

from apps.inventory.models import StockMovement
from apps.inventory.selectors import ledger_drift
from apps.pickup.selectors import queue
from apps.recommendations.models import Recommendation
from apps.stores.models import Location, StoreStaff

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")


def snapshot():
    return {
        "products": Product.objects.count(),
        "categories": Category.objects.count(),
        "locations": Location.objects.count(),
        "stockrecords": StockRecord.objects.count(),
        "movements": StockMovement.objects.count(),
        "users": get_user_model().objects.count(),
        "staff": StoreStaff.objects.count(),
        "stock": list(
            StockRecord.objects.order_by("pk").values_list("num_in_stock", "num_allocated")
        ),
    }


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing():
    call_command("load_demo", "--no-progress", "--no-index", stdout=StringIO())
    first = snapshot()
    out = StringIO()
    call_command("load_demo", "--no-progress", "--no-index", stdout=out)
    assert snapshot() == first
    assert "0 created" in out.getvalue()


@pytest.mark.django_db
def test_demo_shop_is_believable():
    call_command("load_demo", "--no-progress", "--no-index", stdout=StringIO())
    assert Product.objects.filter(is_public=True).count() >= 150
    assert Category.objects.filter(depth=1).count() >= 10
    assert not Product.objects.filter(images__isnull=True).exists()
    stores = Location.objects.filter(kind=Location.Kind.STORE)
    assert stores.count() >= 6
    assert stores.values("city").distinct().count() >= 6
    assert not stores.filter(latitude__isnull=True).exists()
    assert Location.objects.filter(kind=Location.Kind.WAREHOUSE).count() == 1
    # Every product has a record at every location, and some stores are out of some products.
    assert StockRecord.objects.count() == Product.objects.count() * Location.objects.count()
    assert StockRecord.objects.filter(partner__location__kind="store", num_in_stock=0).exists()
    # One price per product everywhere.
    prices = StockRecord.objects.values("product").distinct().values_list("product", "price")
    assert len(set(prices)) == Product.objects.count()
    # Opening stock came in through the ledger.
    assert list(ledger_drift()) == []


@pytest.mark.django_db
def test_demo_users_can_sign_in_with_the_documented_passwords(client):
    call_command("load_demo", "--products", "12", "--no-progress", "--no-index", stdout=StringIO())
    for email, password in [
        ("merch@omnishop.example", "omnishop-merch"),
        ("staff.london@omnishop.example", "omnishop-staff"),
        ("staff.manchester@omnishop.example", "omnishop-staff"),
        ("shopper@omnishop.example", "omnishop-shopper"),
    ]:
        assert client.login(request=HttpRequest(), username=email, password=password), email
    assert get_user_model().objects.get(email="merch@omnishop.example").is_superuser
    london = StoreStaff.objects.get(user__email="staff.london@omnishop.example")
    manchester = StoreStaff.objects.get(user__email="staff.manchester@omnishop.example")
    assert london.location != manchester.location
    # Home delivery has somewhere to go.
    country = get_model("address", "Country").objects.get(iso_3166_1_a2="GB")
    assert country.is_shipping_country
    # The demo shopper can be found at a till by phone.
    from apps.instore.services import find_customer

    assert find_customer("07911 123456").email == "shopper@omnishop.example"


@pytest.mark.django_db
def test_load_demo_scales_up():
    call_command(
        "load_demo",
        "--products",
        "400",
        "--stores",
        "30",
        "--no-progress",
        "--no-index",
        stdout=StringIO(),
    )
    assert Product.objects.count() == 400
    assert Location.objects.filter(kind="store").count() == 30
    assert Location.objects.values("code").distinct().count() == 31
    assert StockRecord.objects.count() == 400 * 31


@pytest.mark.django_db
def test_demo_orders_fill_the_staffs_consoles_once(client):
    args = ["load_demo", "--products", "36", "--no-progress", "--no-index", "--orders"]
    call_command(*args, stdout=StringIO())
    london = queue(Location.objects.get(code="london-soho"))
    assert [len(orders) for _, _, orders in london.groups] == [2, 1, 1, 0, 1]
    assert london.ready[0].arrival_note == "by the front door"
    assert Order.objects.filter(channel="store").count() == 2
    # "Popular" lists from the demo's orders, shown from the first page.
    assert Recommendation.objects.filter(kind=Recommendation.Kind.POPULAR).exists()
    placed = Order.objects.count()
    call_command(*args, stdout=StringIO())
    assert Order.objects.count() == placed
    assert list(ledger_drift()) == []
    client.login(
        request=HttpRequest(), username="shopper@omnishop.example", password="omnishop-shopper"
    )
    assert client.get("/api/account/orders/").json()["count"] == placed
