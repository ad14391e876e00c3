"""Substitutes through the API: staff list and offer them with a short pick, the shopper reads
and answers the offer by its signed token (no sign-in), once; the schema documents it all."""

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from apps.order import statuses
from apps.pickup import substitutions
from apps.pickup.models import Substitution
from tests.api.conftest import api_client
from tests.factories import OrderFactory


@pytest.fixture
def picking(shop, leeds_staff):
    return OrderFactory(
        store=shop["leeds"], lines={shop["lamp"]: 2}, status=statuses.PICKING, by=leeds_staff
    )


def line_url(name, order, store="leeds"):
    kwargs = {"code": store, "number": order.number, "line": order.lines.get().pk}
    return reverse(f"api:{name}", kwargs=kwargs)


def test_staff_list_substitutes_and_offer_one_with_the_short_pick(leeds_api, picking, floor_lamp):
    listed = leeds_api.get(line_url("substitutes", picking))
    assert listed.status_code == 200
    (candidate,) = listed.json()
    assert candidate == {
        "product": floor_lamp.pk,
        "title": "Floor Lamp",
        "upc": "FLOOR-1",
        "available": 3,
        "price": "8.00",
        "charged": "8.00",
        "why": ["same category", "same kind"],
    }
    response = leeds_api.post(
        line_url("short-pick", picking),
        {"quantity": 1, "reason": "missing", "substitute": floor_lamp.pk},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["timeline"][-1]["kind"] == "sub_offered"
    offer = Substitution.objects.get()
    assert (offer.quantity, offer.is_open) == (1, True)
    ready = leeds_api.post(reverse("api:ready", kwargs={"code": "leeds", "number": picking.number}))
    assert ready.status_code == 422
    assert "Waiting for the customer's answer" in ready.json()["errors"][0]["detail"]


def test_an_offer_of_more_units_than_are_missing_is_422_and_nothing_changes(
    leeds_api, picking, floor_lamp
):
    response = leeds_api.post(
        line_url("short-pick", picking),
        {"quantity": 1, "reason": "missing", "substitute": floor_lamp.pk, "substitute_quantity": 2},
        format="json",
    )
    assert response.status_code == 422
    assert picking.lines.get().num_allocated == 2 and not Substitution.objects.exists()


def test_another_stores_staff_get_403_on_the_substitutes(york_api, picking, floor_lamp):
    assert york_api.get(line_url("substitutes", picking)).status_code == 403


def test_the_shopper_reads_and_answers_the_offer_by_its_token_once(
    leeds_staff, picking, floor_lamp
):
    offer = substitutions.short_pick_and_offer(
        order=picking,
        line=picking.lines.get(),
        quantity=1,
        by=leeds_staff,
        reason="missing",
        substitute=floor_lamp,
        substitute_quantity=1,
    )
    token = substitutions.answer_token(offer)
    shopper = api_client()  # no sign-in: the token is the key
    read = shopper.get(reverse("api:substitution", args=[token])).json()
    assert (read["missing"], read["substitute"], read["unit_price"]) == (
        "Desk Lamp",
        "Floor Lamp",
        "8.00",
    )
    assert read["status"] == "offered"
    answer = reverse("api:substitution-answer", args=[token])
    accepted = shopper.post(answer, {"answer": "accept"}, format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    again = shopper.post(answer, {"answer": "decline"}, format="json")
    assert again.status_code == 409
    assert again.json()["errors"][0]["code"] == "offer_closed"
    assert picking.lines.filter(title="Floor Lamp", num_allocated=1).exists()


def test_an_altered_token_is_404_and_a_wrong_answer_400(leeds_staff, picking, floor_lamp):
    offer = substitutions.short_pick_and_offer(
        order=picking,
        line=picking.lines.get(),
        quantity=1,
        by=leeds_staff,
        reason="missing",
        substitute=floor_lamp,
        substitute_quantity=1,
    )
    token = substitutions.answer_token(offer)
    shopper = api_client()
    forged = reverse("api:substitution-answer", args=[token + "x"])
    assert shopper.post(forged, {"answer": "accept"}, format="json").status_code == 404
    real = reverse("api:substitution-answer", args=[token])
    assert shopper.post(real, {"answer": "maybe"}, format="json").status_code in (400, 422)
    offer.refresh_from_db()
    assert offer.is_open


def test_the_schema_documents_the_substitution_endpoints(db):
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    answer = paths["/api/substitutions/{token}/answer/"]["post"]
    assert {"200", "400", "404", "409", "422", "429"} <= answer["responses"].keys()
    listed = paths["/api/console/{code}/orders/{number}/lines/{line}/substitutes/"]["get"]
    assert {"200", "401", "403", "404"} <= listed["responses"].keys()
