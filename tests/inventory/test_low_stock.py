"""Low-stock alerts follow every stock change made through the write path (transfers, sales,
imports), and each store's managers get one morning digest of that store's open alerts."""

import datetime as dt

import pytest
from oscar.core.loading import get_model

from apps.inventory import services
from apps.inventory.imports import import_stock
from apps.inventory.models import LowStockDigest
from apps.inventory.tasks import send_low_stock_digests
from apps.stores.models import StoreStaff
from tests.factories import ProductFactory, StoreStaffFactory, UserFactory, stock

StockAlert = get_model("partner", "StockAlert")
StockRecord = get_model("partner", "StockRecord")

#: 07:30 in London on a winter's day (UTC+0).
MORNING = "2026-12-03T07:30:00+00:00"


def with_threshold(location, product, units, threshold):
    record = stock(location, product, units)
    StockRecord.objects.filter(pk=record.pk).update(low_stock_threshold=threshold)
    return record


def alert_states():
    return set(StockAlert.objects.values_list("stockrecord__partner__code", "status"))


def test_shipping_opens_the_sources_alert_and_receiving_closes_the_destinations(shop):
    lamp = shop["lamp"]
    with_threshold(shop["york"], lamp, 1, threshold=3)  # York is low already...
    services.count(location=shop["york"], counts={lamp.pk: 0})
    assert alert_states() == {("york", StockAlert.OPEN)}
    StockRecord.objects.filter(partner=shop["leeds"].partner).update(low_stock_threshold=2)

    shipped = services.ship_transfer(
        transfer=services.create_transfer(
            source=shop["leeds"], destination=shop["york"], quantities={lamp.pk: 2}
        )
    )
    assert alert_states() == {("york", StockAlert.OPEN), ("leeds", StockAlert.OPEN)}

    services.receive_transfer(transfer=shipped)  # York gets 2: still below 3
    assert ("york", StockAlert.OPEN) in alert_states()
    services.receive(location=shop["york"], quantities={lamp.pk: 5})
    assert alert_states() == {("york", StockAlert.CLOSED), ("leeds", StockAlert.OPEN)}


def test_an_import_that_restocks_closes_the_alert(shop):
    with_threshold(shop["leeds"], shop["lamp"], 0, threshold=2)
    services.adjust(location=shop["leeds"], deltas={shop["lamp"].pk: -2})
    assert alert_states() == {("leeds", StockAlert.OPEN)}
    import_stock(text="location,sku,on_hand\nleeds,LAMP-1,9\n")
    assert alert_states() == {("leeds", StockAlert.CLOSED)}


def test_units_promised_to_orders_count_against_the_threshold(shop):
    with_threshold(shop["warehouse"], shop["lamp"], 0, threshold=5)  # 10 on hand
    services.allocate(location=shop["warehouse"], quantities={shop["lamp"].pk: 6})
    assert alert_states() == {("web", StockAlert.OPEN)}
    services.release(location=shop["warehouse"], quantities={shop["lamp"].pk: 6})
    assert alert_states() == {("web", StockAlert.CLOSED)}


@pytest.fixture
def low_at_leeds(shop):
    """Leeds runs low on the lamp and a chair; York on a stool; each store has a manager."""
    chair, stool = ProductFactory(title="Oak Chair"), ProductFactory(title="Stool")
    with_threshold(shop["leeds"], shop["lamp"], 0, threshold=5)
    with_threshold(shop["leeds"], chair, 1, threshold=4)
    with_threshold(shop["york"], stool, 1, threshold=4)
    for location, product in (
        (shop["leeds"], shop["lamp"]),
        (shop["leeds"], chair),
        (shop["york"], stool),
    ):
        services.adjust(location=location, deltas={product.pk: -1})
    StoreStaffFactory(
        location=shop["leeds"], role=StoreStaff.Role.MANAGER, user__email="boss@leeds.example"
    )
    StoreStaffFactory(
        location=shop["leeds"], role=StoreStaff.Role.ASSOCIATE, user__email="clerk@leeds.example"
    )
    StoreStaffFactory(
        location=shop["york"], role=StoreStaff.Role.MANAGER, user__email="boss@york.example"
    )
    UserFactory(email="merch@omnishop.example", is_staff=True)
    return {"chair": chair, "stool": stool}


def test_each_store_managers_get_their_own_stores_low_stock_only(shop, low_at_leeds, mailoutbox):
    assert send_low_stock_digests(now=MORNING) == 2

    by_store = {tuple(mail.to): mail for mail in mailoutbox}
    assert set(by_store) == {("boss@leeds.example",), ("boss@york.example",)}
    leeds = by_store["boss@leeds.example",]
    assert leeds.subject == "Omnishop Leeds: 2 products running low (3 Dec 2026)"
    assert "Desk Lamp (LAMP-1): 1 available, threshold 5" in leeds.body
    assert "Oak Chair" in leeds.body and "Stool" not in leeds.body
    assert "Oak Chair" in leeds.alternatives[0][0]
    york = by_store["boss@york.example",]
    assert "Stool" in york.body and "Desk Lamp" not in york.body


def test_a_digest_goes_once_a_day_from_seven_and_not_at_all_without_alerts(
    shop, low_at_leeds, mailoutbox
):
    assert send_low_stock_digests(now="2026-12-03T06:59:00+00:00") == 0
    assert send_low_stock_digests(now=MORNING) == 2
    assert send_low_stock_digests(now="2026-12-03T11:00:00+00:00") == 0  # the same day
    assert len(mailoutbox) == 2

    services.receive(location=shop["york"], quantities={low_at_leeds["stool"].pk: 10})
    mailoutbox.clear()
    assert send_low_stock_digests(now="2026-12-04T07:00:00+00:00") == 1  # York: nothing low
    assert [mail.to for mail in mailoutbox] == [["boss@leeds.example"]]
    assert LowStockDigest.objects.get(location=shop["york"], day=dt.date(2026, 12, 4)).alerts == 0


def test_a_failed_send_is_tried_again_the_next_hour(shop, low_at_leeds, mailoutbox, settings):
    settings.EMAIL_BACKEND = "tests.inventory.test_low_stock.BrokenBackend"
    assert send_low_stock_digests(now=MORNING) == 0
    assert not LowStockDigest.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_low_stock_digests(now="2026-12-03T08:00:00+00:00") == 2


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")
