"""The OpenAPI schema is the contract: every status an endpoint can answer, with the one error
shape (``exceptions``), and every rule on input the server enforces."""

from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsSchema

from config.errors import RETRY_AFTER_SECONDS
from config.middleware import CONTROL

_CONTROL = CONTROL.pattern.strip("[]")
#: What ``config.middleware`` and ``TextOnlyJSONParser`` refuse, written into the schema for
#: every free-text input (a string with no pattern, format or choices of its own) ...
TEXT_PATTERN = f"^[^{_CONTROL}]*$"
#: Every character ``str.strip()`` takes for a space (all below U+3001): wider than ``\s`` in
#: the ECMA regexes a JSON Schema pattern is read as (U+0085, for one, is not in it).
_SPACE = "".join(f"\\u{code:04x}" for code in range(0x3001) if chr(code).isspace())
#: ... and, where text is required, at least one character that is not a space (DRF and
#: Django forms trim spaces before they check for blanks).
REQUIRED_TEXT_PATTERN = f"^[^{_CONTROL}]*[^{_SPACE}{_CONTROL}][^{_CONTROL}]*$"


class AutoSchema(StandardizedErrorsSchema):
    """drf-standardized-errors' schema, plus the statuses a view says it can refuse with
    (``refusals``, e.g. 409 for an order in the wrong state): it cannot see those itself."""

    def _should_add_error_response(self, responses, status_code):
        if status_code in responses:
            return False
        refusals = {str(code) for code in getattr(self.view, "refusals", ())}
        if status_code in refusals:
            return True
        if status_code == "422" and self._should_add_validation_error_response():
            return True
        if status_code in ("402", "409", "422"):
            return False
        return super()._should_add_error_response(responses, status_code)


def _is_free_text(schema: dict) -> bool:
    return (
        schema.get("type") == "string"
        and not {"pattern", "format", "enum", "$ref"} & schema.keys()
        and not schema.get("readOnly")
    )


def _constrain_text(schema):
    """Give every free-text property (recursively) the pattern the server enforces."""
    if isinstance(schema, dict):
        if _is_free_text(schema):
            required = schema.get("minLength", 0) >= 1
            schema["pattern"] = REQUIRED_TEXT_PATTERN if required else TEXT_PATTERN
        for value in schema.values():
            _constrain_text(value)
    elif isinstance(schema, list):
        for value in schema:
            _constrain_text(value)


def constrain_inputs(result, generator, request, public):
    """drf-spectacular postprocessing hook, after the library's enum hook:

    - free text in request bodies and parameters refuses control characters (as the server
      does, in ``config.middleware`` and ``TextOnlyJSONParser``);
    - a request body has only the fields it documents (``RequestSerializer``);
    - an optional query parameter sent empty is the same as not sent (as in DRF and
      django-filter): ``allowEmptyValue``;
    - every operation may be answered 414 by the web server itself, before the API, when its
      request line is too long (gunicorn takes 4,094 bytes): an HTML page, not the API's error;
    - every operation may be answered 503 with ``Retry-After`` when the database is lost
      mid-request (``apps.api.exceptions.DatabaseUnavailable``): nothing was saved, send it again.
    """
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            _constrain_text(component)
            if component.get("type") == "object":
                component["additionalProperties"] = False
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                _constrain_text(parameter.get("schema"))
                if parameter["in"] == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
            for content in operation.get("requestBody", {}).get("content", {}).values():
                _constrain_text(content.get("schema"))
            operation.setdefault("responses", {})["414"] = {"description": URI_TOO_LONG}
            operation["responses"]["503"] = DATABASE_LOST
    return result


URI_TOO_LONG = (
    "The address with its query is too long (over 4,094 bytes): refused by the web server "
    "before the API, with an HTML page"
)

DATABASE_LOST = {
    "description": (
        "The database was lost while answering (a fail-over, a restart): nothing was saved. "
        "Send the same request again after Retry-After seconds (with the same Idempotency-Key "
        "for a checkout or a sale)."
    ),
    "headers": {
        "Retry-After": {
            "description": "Seconds to wait before sending the request again",
            "required": True,
            "schema": {"type": "integer", "example": RETRY_AFTER_SECONDS},
        }
    },
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
}
