"""The product editor sets one price, on the warehouse's stock record: a store's record has no
price field (the strategy would ignore it), and a new store record given a price is refused."""

from django.urls import reverse
from oscar.core.loading import get_class, get_model

from tests.factories import UserFactory

StockRecord = get_model("partner", "StockRecord")
StockRecordForm = get_class("dashboard.catalogue.forms", "StockRecordForm")


def form_for(shop, location=None, data=None):
    instance = (
        StockRecord.objects.get(partner=shop[location].partner, product=shop["lamp"])
        if location
        else StockRecord(product=shop["lamp"])
    )
    user = UserFactory(is_staff=True)
    return StockRecordForm(shop["lamp"].get_product_class(), user, data, instance=instance)


def test_only_the_warehouse_record_has_a_price_field(shop):
    assert "price" in form_for(shop, "warehouse").fields
    assert "price" not in form_for(shop, "leeds").fields
    assert "price_currency" not in form_for(shop, "york").fields


def test_a_new_store_record_with_a_price_is_refused_with_the_reason(shop):
    from tests.factories import StoreFactory

    bath = StoreFactory(code="bath", name="Omnishop Bath")
    data = {"partner": bath.partner_id, "partner_sku": "LAMP-BATH", "price": "4.00"}
    form = form_for(shop, data={**data, "price_currency": "GBP"})
    assert not form.is_valid()
    assert "set on the Online warehouse row" in form.errors["price"][0]
    without_price = form_for(
        shop, data={"partner": bath.partner_id, "partner_sku": "LAMP-BATH", "price_currency": "GBP"}
    )
    assert without_price.is_valid(), without_price.errors


def test_the_product_editor_names_where_the_price_is_set(shop, merchandiser):
    url = reverse("dashboard:catalogue-product", kwargs={"pk": shop["lamp"].pk})
    page = merchandiser.get(url).content.decode()
    assert "One price in every channel" in page
    assert page.count('class="text-muted store-price"') == 2  # Leeds and York: no price field
    assert page.count('-price" ') == 2  # the warehouse's row, and a row for a new record
