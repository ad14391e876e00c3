"""What every API door shares: who may call (public, rate-limited reads), the documented shape
of an error, the ``Idempotency-Key`` header, and order lines as integrations send them."""

from collections.abc import Mapping

from drf_spectacular.utils import OpenApiParameter
from oscar.core.loading import get_model
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.permissions import AllowAny
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

Product = get_model("catalogue", "Product")
#: The most units of one product one order line, sale, pick or return may ask for.
MAX_LINE_UNITS = 10_000


class PublicAPIView(APIView):
    """Anyone may read; anonymous callers are rate-limited (``API_ANON_RATE``)."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]


#: The JSON type a request field takes, as the schema says: on its own DRF also takes 5 for
#: "5", "5" for 5 and "yes" for true. First match wins (a ``BooleanField`` is no ``IntegerField``).
JSON_TYPES = (
    (serializers.BooleanField, bool, "a boolean"),
    (serializers.IntegerField, int, "an integer"),
    (serializers.PrimaryKeyRelatedField, int, "an integer"),
    (serializers.CharField, str, "a string"),
    (serializers.SlugRelatedField, str, "a string"),
)


def _json_type_error(field, value) -> str | None:
    if value is None:
        return None  # the field's own allow_null decides
    for kind, json_type, name in JSON_TYPES:
        if isinstance(field, kind):
            wrong = not isinstance(value, json_type) or (
                json_type is int and isinstance(value, bool)
            )
            return f"Must be {name}." if wrong else None
    return None


class RequestSerializer(serializers.Serializer):
    """A request body: a field it does not have is refused (400 ``unknown_field``), so that a
    misspelt field ("quantiy") is never silently ignored, and a value of the wrong JSON type
    (``"phone": 0``) is refused (400 ``invalid``) rather than converted. The schema says so
    (``additionalProperties: false``, and each field's ``type``)."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))[:10]
            errors = {
                name: ErrorDetail("This request has no such field.", code="unknown_field")
                for name in unknown
            }
            for name, field in self.fields.items():
                message = name in data and _json_type_error(field, data[name])
                if message:
                    errors[name] = ErrorDetail(message, code="invalid")
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="For programs: e.g. required, max_value, does_not_exist, not_found, "
        "permission_denied, not_authenticated, wrong_state, wrong_code, refused, "
        "insufficient_stock, payment_declined, too_many_attempts, throttled"
    )
    detail = serializers.CharField(help_text="For people: the reason, in a sentence")
    attr = serializers.CharField(
        allow_null=True, help_text='The field it is about ("lines.0.quantity"), or null'
    )
    product = serializers.IntegerField(required=False, help_text="insufficient_stock: which")
    available = serializers.IntegerField(
        required=False, help_text="insufficient_stock: how many units can still be sold"
    )


class ErrorResponseSerializer(serializers.Serializer):
    """Every 4xx and 5xx answer: its kind and one or more errors."""

    type = serializers.ChoiceField(choices=["validation_error", "client_error", "server_error"])
    errors = ErrorSerializer(many=True)


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "maxLength": 64},
    OpenApiParameter.HEADER,
    description="Any text you choose per order (at most 64 characters): a retry with the same "
    "key answers the order already placed",
)


def idempotency_key(request) -> str:
    """The request's ``Idempotency-Key`` (at most 64 characters), or ""."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 64:
        raise serializers.ValidationError(
            {"Idempotency-Key": "At most 64 characters."}, code="max_length"
        )
    return key


class ProductLineSerializer(RequestSerializer):
    """A product (by id or barcode, as scanned) and a quantity."""

    product = serializers.IntegerField(required=False, help_text="Product id")
    upc = serializers.CharField(required=False, help_text="Or its barcode, as scanned")
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LINE_UNITS, default=1)

    def validate(self, data):
        if ("product" in data) == ("upc" in data):
            raise serializers.ValidationError(
                "Give either the product's id or its barcode (upc).", code="incomplete"
            )
        found = Product.objects.filter(
            **({"pk": data["product"]} if "product" in data else {"upc__iexact": data["upc"]})
        ).first()
        if found is None:
            raise serializers.ValidationError(
                f"No product {data.get('product') or data.get('upc')!s}.", code="does_not_exist"
            )
        return {"product": found, "quantity": data["quantity"]}


#: The most lines one order, sale or return may have.
MAX_LINES = 100


def lines_of(serializer_class) -> serializers.ListField:
    """An order's, sale's or return's lines: 1 to ``MAX_LINES`` of them."""
    return serializers.ListField(child=serializer_class(), min_length=1, max_length=MAX_LINES)


def quantities_of(lines) -> dict[int, int]:
    """Validated ``ProductLineSerializer`` lines as product id -> units (repeats added up)."""
    quantities: dict[int, int] = {}
    for line in lines:
        pk = line["product"].pk
        quantities[pk] = quantities.get(pk, 0) + line["quantity"]
    return quantities
