"""The API's contract: one error shape, every status documented, inputs as the schema says.
(Schemathesis checks the whole contract against a live server in `.ci/api-contract`.)"""

import re

import pytest
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft4Validator
from oscar.core.loading import get_model

from apps.api.schema import REQUIRED_TEXT_PATTERN
from apps.instore import selectors, services
from apps.order import statuses
from tests.api.conftest import api_client, errors
from tests.factories import OrderFactory, StoreStaffFactory

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_operation_documents_its_errors_in_the_one_shape(schema):
    error_ref = "#/components/schemas/ErrorResponse"
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        assert {"405", "500"} <= responses.keys(), (method, path)
        for status, response in responses.items():
            if status == "414":  # the web server's own page, before the API (see schema.py)
                assert "content" not in response and "4,094 bytes" in response["description"]
            elif int(status) >= 400:
                body = response["content"]["application/json"]["schema"]
                assert body == {"$ref": error_ref}, (method, path, status)
        if "{" in path:
            assert "404" in responses, (method, path)
        if path.startswith("/api/console/{code}/"):
            assert {"401", "403"} <= responses.keys(), (method, path)
        if "requestBody" in operation:
            assert {"400", "415", "422"} <= responses.keys(), (method, path)
    hand_over = schema["paths"]["/api/console/{code}/orders/{number}/hand-over/"]["post"]
    assert {"409", "422", "429"} <= hand_over["responses"].keys()
    checkout = schema["paths"]["/api/checkout/collect/"]["post"]
    assert {"402", "409", "422"} <= checkout["responses"].keys()


def test_limits_and_text_rules_are_written_into_the_schema(schema):
    components = schema["components"]["schemas"]
    line = components["ProductLineRequest"]
    assert line["properties"]["quantity"]["maximum"] == 10_000
    assert line["additionalProperties"] is False
    sale = components["SaleRequest"]["properties"]["lines"]
    assert (sale["minItems"], sale["maxItems"]) == (1, 100)
    assert "\\x00" in components["HandOverRequest"]["properties"]["code"]["pattern"]
    params = {
        p["name"]: p for p in schema["paths"]["/api/console/{code}/returns/"]["get"]["parameters"]
    }
    assert params["q"]["required"] and params["q"]["schema"]["maxLength"] == 200
    report = schema["paths"]["/api/console/{code}/report/"]["get"]["parameters"]
    assert any("366 days" in p.get("description", "") for p in report)


def test_a_bad_address_under_the_api_answers_json_not_a_page(client):
    response = client.get("/api/console/not a store!/queue/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert errors(response) == {"": "not_found"}
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")


def test_json_with_a_control_character_or_an_unknown_field_is_refused(shop):
    staff = StoreStaffFactory(location=shop["leeds"]).user
    api = api_client(staff)
    url = "/api/console/leeds/sales/"
    nul = api.post(url, {"lines": [{"upc": "LAMP\x00-1"}]}, format="json")
    assert nul.status_code == 400 and errors(nul) == {"lines.0.upc": "invalid_characters"}
    typo = api.post(url, {"lines": [{"upc": "LAMP-1", "quantiy": 2}]}, format="json")
    assert typo.status_code == 400 and errors(typo) == {"lines.0.quantiy": "unknown_field"}
    form = api.post(url, {"lines": "LAMP-1"}, format="multipart")
    assert form.status_code == 415
    assert not Order.objects.exists()


def test_values_of_the_wrong_json_type_are_refused_not_converted(shop):
    staff = StoreStaffFactory(location=shop["leeds"]).user
    api = api_client(staff)
    url = "/api/console/leeds/sales/"
    wrong = api.post(url, {"lines": [{"upc": 12345, "quantity": "2"}]}, format="json")
    assert wrong.status_code == 400
    assert errors(wrong) == {"lines.0.upc": "invalid", "lines.0.quantity": "invalid"}
    flag = api.post(
        "/api/console/leeds/returns/",
        {"order": "1", "lines": [{"line": 1, "quantity": 1}], "damaged": "yes"},
        format="json",
    )
    assert flag.status_code == 400 and errors(flag) == {"damaged": "invalid"}
    assert not Order.objects.exists()


def test_a_search_of_only_spaces_is_refused_whichever_spaces_they_are(schema):
    """The schema's rule for required text and the server's trimming agree (U+0085 included)."""
    params = {
        p["name"]: p for p in schema["paths"]["/api/console/{code}/returns/"]["get"]["parameters"]
    }
    assert params["q"]["schema"]["pattern"] == REQUIRED_TEXT_PATTERN
    for spaces in (" ", "\x85", "\xa0\u3000", "\u2028 \t"):
        assert spaces.strip() == "" and not re.search(REQUIRED_TEXT_PATTERN, spaces)
    assert re.search(REQUIRED_TEXT_PATTERN, "\x85Smith ")


def test_returns_offer_only_orders_the_customer_has_with_something_left(shop):
    lamp = shop["lamp"]
    collected = OrderFactory(
        store=shop["leeds"], lines={lamp: 1}, status=statuses.COLLECTED, guest_email="a@x.example"
    )
    OrderFactory(
        store=shop["leeds"], lines={lamp: 1}, status=statuses.READY, guest_email="a@x.example"
    )
    OrderFactory(
        store=shop["leeds"], lines={lamp: 1}, status=statuses.CANCELLED, guest_email="a@x.example"
    )
    assert list(selectors.orders_for_return("a@x.example")) == [collected]

    staff = StoreStaffFactory(location=shop["leeds"]).user
    api = api_client(staff)
    found = api.get("/api/console/leeds/returns/", {"q": "a@x.example"}).json()["results"]
    assert [order["number"] for order in found] == [collected.number]

    services.take_return(
        location=shop["leeds"],
        order=collected,
        quantities={collected.lines.get().pk: 1},
        by=staff,
    )
    assert api.get("/api/console/leeds/returns/", {"q": "a@x.example"}).json()["results"] == []
    missing = api.get("/api/console/leeds/returns/")
    assert missing.status_code == 400 and errors(missing) == {"q": "required"}


def _inline(schema, components):
    """The schema as JSON Schema: every ``$ref`` to a component written out (ours have no
    cycles), ``nullable`` as a null type."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            return _inline(components[schema["$ref"].rsplit("/", 1)[1]], components)
        inlined = {key: _inline(value, components) for key, value in schema.items()}
        if inlined.pop("nullable", False) and "type" in inlined:  # OpenAPI 3.0's null
            inlined["type"] = [inlined["type"], "null"]
        return inlined
    if isinstance(schema, list):
        return [_inline(value, components) for value in schema]
    return schema


def test_every_example_in_the_schema_is_valid_against_it(schema):
    components = schema["components"]["schemas"]
    checked = 0
    for path, method, operation in operations(schema):
        bodies = [("request", operation.get("requestBody", {}).get("content", {}))]
        bodies += [(status, r.get("content", {})) for status, r in operation["responses"].items()]
        for where, content in bodies:
            for media in content.values():
                body_schema = _inline(media["schema"], components)
                for name, example in media.get("examples", {}).items():
                    errors = list(Draft4Validator(body_schema).iter_errors(example["value"]))
                    assert errors == [], (method, path, where, name, errors[0].message)
                    checked += 1
    assert checked >= 10  # the request bodies' own, and the error answers' documented examples
