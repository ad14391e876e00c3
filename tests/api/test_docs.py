"""The API is documented: an OpenAPI schema and browsable docs that work without a CDN."""

from django.urls import reverse


def test_the_schema_documents_every_console_endpoint(client, db):
    response = client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Omnishop API"
    paths = schema["paths"]
    for path in (
        "/api/console/{code}/queue/",
        "/api/console/{code}/orders/{number}/hand-over/",
        "/api/console/{code}/orders/{number}/lines/{line}/short-pick/",
        "/api/console/{code}/sales/",
        "/api/console/{code}/returns/",
        "/api/console/{code}/report/",
    ):
        assert path in paths
    hand_over = paths["/api/console/{code}/orders/{number}/hand-over/"]["post"]
    assert {"200", "400", "403", "404", "409", "429"} <= set(hand_over["responses"])
    assert hand_over["summary"].startswith("Hand over after checking the pickup code")
    body = hand_over["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/HandOverRequest")
    ready = paths["/api/console/{code}/orders/{number}/ready/"]["post"]
    assert ready["summary"].startswith("Ready for collection") and "requestBody" not in ready
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_swagger_ui_is_served_from_our_own_static_files(client, db):
    page = client.get(reverse("api:docs")).content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
