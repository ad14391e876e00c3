"""What every API door shares: who may call (public, rate-limited reads), the documented shape
of a refusal, the ``Idempotency-Key`` header, and order lines as integrations send them."""

from drf_spectacular.utils import OpenApiParameter
from oscar.core.loading import get_model
from rest_framework import serializers
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


class Refusal(serializers.Serializer):
    """What every refused request answers: the reason, and a code for programs."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False)


REFUSALS = {400: Refusal, 403: Refusal, 404: Refusal, 409: Refusal}

IDEMPOTENCY_KEY = OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)


def idempotency_key(request) -> str:
    """The request's ``Idempotency-Key`` (at most 64 characters), or ""."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 64:
        raise serializers.ValidationError({"Idempotency-Key": "At most 64 characters."})
    return key


class ProductLineSerializer(serializers.Serializer):
    """A product (by id or barcode, as scanned) and a quantity."""

    product = serializers.IntegerField(required=False, help_text="Product id")
    upc = serializers.CharField(required=False, help_text="Or its barcode, as scanned")
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LINE_UNITS, default=1)

    def validate(self, data):
        if ("product" in data) == ("upc" in data):
            raise serializers.ValidationError("Give either the product's id or its barcode (upc).")
        found = Product.objects.filter(
            **({"pk": data["product"]} if "product" in data else {"upc__iexact": data["upc"]})
        ).first()
        if found is None:
            raise serializers.ValidationError(
                f"No product {data.get('product') or data.get('upc')!s}."
            )
        return {"product": found, "quantity": data["quantity"]}


def quantities_of(lines) -> dict[int, int]:
    """Validated ``ProductLineSerializer`` lines as product id -> units (repeats added up)."""
    quantities: dict[int, int] = {}
    for line in lines:
        pk = line["product"].pk
        quantities[pk] = quantities.get(pk, 0) + line["quantity"]
    return quantities
