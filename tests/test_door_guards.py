"""Site-wide guards at the door: control characters are refused with the field's name before
any view reads them, and an id beyond any integer names nothing (404), on every database."""

import pytest
from django.urls import reverse

from tests.factories import StoreStaffFactory


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
