"""Oscar's low-stock alerts follow the stock changes our services make (they update rows in
bulk, so they send Oscar's stock record signals themselves)."""

from oscar.core.loading import get_model

from apps.inventory import services
from tests.factories import stock

StockAlert = get_model("partner", "StockAlert")
StockRecord = get_model("partner", "StockRecord")


def with_threshold(location, product, units, threshold):
    record = stock(location, product, units)
    StockRecord.objects.filter(pk=record.pk).update(low_stock_threshold=threshold)
    return record


def test_falling_below_the_threshold_opens_an_alert_and_restocking_closes_it(db, store, product):
    record = with_threshold(store, product, 5, threshold=3)
    services.allocate(location=store, quantities={product.pk: 2})
    assert not StockAlert.objects.exists()  # 3 left: not below 3

    services.allocate(location=store, quantities={product.pk: 1})
    alert = StockAlert.objects.get(stockrecord=record)
    assert (alert.status, alert.threshold) == (StockAlert.OPEN, 3)

    services.receive(location=store, quantities={product.pk: 4}, note="delivery")
    alert.refresh_from_db()
    assert alert.status == StockAlert.CLOSED
    assert StockAlert.objects.count() == 1


def test_a_count_and_an_import_open_alerts_too(db, store, other_store, product):
    from apps.inventory.imports import import_stock

    with_threshold(store, product, 10, threshold=4)
    with_threshold(other_store, product, 10, threshold=4)
    services.count(location=store, counts={product.pk: 2}, note="shelf count")
    import_stock(text=f"location,sku,on_hand\n{other_store.code},{product.upc},1\n")
    assert set(StockAlert.objects.values_list("stockrecord__partner__code", "status")) == {
        (store.code, StockAlert.OPEN),
        (other_store.code, StockAlert.OPEN),
    }


def test_records_without_a_threshold_raise_no_alert(db, store, product):
    stock(store, product, 2)
    services.allocate(location=store, quantities={product.pk: 2})
    assert not StockAlert.objects.exists()
