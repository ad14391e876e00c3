"""Site-wide guards at the door: control characters are refused with the field's name before
any view reads them; an id beyond any integer, or not a number at all, names nothing (404), on
every database; deleting what other rows refer to is refused with the reason."""

import pytest
from django.contrib.flatpages.models import FlatPage
from django.urls import reverse
from oscar.core.loading import get_model

from tests.factories import ProductFactory, StoreStaffFactory

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")


@pytest.fixture
def leeds_staff(shop, client):
    client.force_login(StoreStaffFactory(location=shop["leeds"]).user)
    return client


@pytest.mark.parametrize("typed", ["\x00", "LAMP\x00-1", "\x1b[31m", "a\x7fb"])
def test_a_search_with_a_control_character_is_refused_with_its_field(leeds_staff, typed):
    for url in ["/console/leeds/", "/console/leeds/stock/", "/console/leeds/returns/"]:
        response = leeds_staff.get(url, {"q": typed})
        assert response.status_code == 400
        assert "The field 'q' contains a control character" in response.content.decode()


def test_a_form_field_with_nul_is_refused_and_nothing_is_written(shop, leeds_staff):
    response = leeds_staff.post("/console/leeds/sale/", {"action": "complete", "customer": "\x00"})
    assert response.status_code == 400
    assert "The field 'customer'" in response.content.decode()


def test_the_api_answers_control_characters_in_json(shop, client):
    response = client.get("/api/products/", {"q": "lamp\x00"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_characters"


def test_tabs_and_newlines_are_text_not_control_characters(leeds_staff):
    assert leeds_staff.get("/console/leeds/", {"q": "Ann\tOther\r\n"}).status_code == 200


def test_an_address_with_nul_is_refused(shop, client):
    assert client.get("/stores/leeds%00/").status_code == 400


def test_an_id_beyond_any_integer_is_not_found(shop, client):
    huge = "9" * 40
    assert client.get(f"/api/products/{huge}/").status_code == 404
    assert client.get(reverse("catalogue:detail", args=["lamp", huge])).status_code == 404


@pytest.mark.parametrize("bad", ["abc", "1e308", "NaN", "-1", "9" * 19, "%C2%B2"])
def test_an_id_that_is_not_a_number_is_not_found(merchandiser, bad):
    # Oscar's dashboard takes any text as these ids, and its views fail on one.
    for url in [
        f"/dashboard/pages/update/{bad}/",
        f"/dashboard/pages/delete/{bad}/",
        f"/dashboard/catalogue/option/{bad}/update/",
        f"/dashboard/catalogue/attribute-option-group/{bad}/delete/",
    ]:
        assert merchandiser.get(url).status_code == 404
        assert merchandiser.post(url).status_code == 404


def test_a_real_id_still_reaches_the_page(merchandiser):
    page = FlatPage.objects.create(url="/about/", title="About us", content="Hello")
    response = merchandiser.get(f"/dashboard/pages/update/{page.pk}/")
    assert response.status_code == 200
    assert "About us" in response.content.decode()


def test_what_stock_refers_to_is_kept_with_the_reason(shop, merchandiser):
    lamp = shop["lamp"]  # its stock was received through the ledger
    url = reverse("dashboard:catalogue-product-delete", args=[lamp.pk])
    response = merchandiser.post(url, follow=True)
    assert response.redirect_chain[0] == (url, 302)
    page = response.content.decode()
    assert "This cannot be deleted while" in page and "refer to it." in page
    assert Product.objects.filter(pk=lamp.pk).exists()
    product_type = reverse("dashboard:catalogue-class-delete", args=[lamp.product_class_id])
    merchandiser.post(product_type)
    assert ProductClass.objects.filter(pk=lamp.product_class_id).exists()


def test_what_nothing_refers_to_is_deleted(merchandiser):
    spare = ProductFactory(title="Spare")
    response = merchandiser.post(reverse("dashboard:catalogue-product-delete", args=[spare.pk]))
    assert response.status_code == 302
    assert not Product.objects.filter(pk=spare.pk).exists()


def test_a_search_longer_than_any_match_is_refused_with_a_reason(shop, leeds_staff, merchandiser):
    # SQLite fails on a LIKE pattern of 50,000 bytes; no title, code or e-mail is 201 long.
    too_long = "x" * 100_000
    for url in ["/console/leeds/", "/console/leeds/stock/", "/console/leeds/returns/"]:
        response = leeds_staff.get(url, {"q": too_long}, follow=True)
        assert response.status_code == 200
        assert "Search for at most 200 characters." in response.content.decode()
    assert leeds_staff.get("/console/leeds/stock/", {"q": "Lamp"}).status_code == 200
    page = merchandiser.get("/dashboard/stock/", {"q": too_long})
    assert page.status_code == 200 and "q" in page.context["form"].errors
