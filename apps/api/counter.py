"""Till sales and counter returns over the REST API (thin: one service call per request)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from oscar.core.loading import get_model
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.instore import selectors, services
from apps.instore.models import TillSale

from .console import OrderSerializer, StoreScopedMixin
from .filters import ReturnFilter, search_parameter
from .plumbing import (
    MAX_LINE_UNITS,
    ProductLineSerializer,
    RequestSerializer,
    idempotency_key,
    lines_of,
    quantities_of,
)

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Two lamps, a known customer",
            value={
                "lines": [{"upc": "OMNI-000001", "quantity": 2}],
                "customer": "07911 123456",
                "tender": "cash",
                "amount_tendered": "50.00",
            },
            request_only=True,
        )
    ]
)
class SaleSerializer(RequestSerializer):
    lines = lines_of(ProductLineSerializer)
    customer = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The customer's e-mail or phone: the sale joins their account history",
    )
    tender = serializers.ChoiceField(
        choices=TillSale.Tender.choices,
        required=False,
        help_text="How the customer paid (recorded with the sale and on the receipt)",
    )
    amount_tendered = serializers.CharField(
        required=False,
        max_length=16,
        help_text='Cash handed over, e.g. "20.00" (with `cash`): less than the total is refused, '
        "the change is recorded",
    )
    card_reference = serializers.CharField(
        required=False,
        max_length=64,
        help_text="The payment terminal's reference (required with `card`)",
    )

    def validate(self, data):
        if "tender" in data:
            try:
                data["tender"] = services.Tender.parse(
                    method=data["tender"],
                    amount=data.get("amount_tendered", ""),
                    card_reference=data.get("card_reference", ""),
                )
            except services.InstoreError as exc:
                raise serializers.ValidationError({"tender": str(exc)}) from exc
        elif "amount_tendered" in data or "card_reference" in data:
            raise serializers.ValidationError(
                {"tender": "Say how the customer paid: cash or card."}
            )
        return data


class ReturnLineSerializer(RequestSerializer):
    line = serializers.IntegerField(help_text="Order line id")
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LINE_UNITS)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "One back, unharmed",
            value={
                "order": "100023",
                "lines": [{"line": 7, "quantity": 1}],
                "damaged": False,
                "reason": "wrong size",
            },
            request_only=True,
        )
    ]
)
class ReturnSerializer(RequestSerializer):
    order = serializers.CharField(help_text="Order number (any channel)")
    lines = lines_of(ReturnLineSerializer)
    damaged = serializers.BooleanField(default=False, help_text="Write off instead of restocking")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=255)


class ReturnableLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    quantity = serializers.IntegerField()
    returnable = serializers.IntegerField()


class ReturnableOrderSerializer(serializers.ModelSerializer):
    placed_at = serializers.DateTimeField(source="date_placed")
    lines = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = ["number", "channel", "status", "placed_at", "total_incl_tax", "currency", "lines"]

    def get_lines(self, order) -> list[dict]:
        return ReturnableLineSerializer(
            [
                {
                    "id": line.pk,
                    "title": line.title,
                    "quantity": line.quantity,
                    "returnable": services.returnable(line),
                }
                for line in order.lines.all()
            ],
            many=True,
        ).data


class SaleView(StoreScopedMixin, APIView):
    #: 409: not enough stock; 422: an unknown product or customer.
    refusals = (403, 404, 409, 422)

    @extend_schema(
        summary="Record a till sale from this store's stock (never units promised to pickups)",
        request=SaleSerializer,
        responses={201: OrderSerializer},
    )
    def post(self, request, code):
        parsed = SaleSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        customer, email = services.customer_for_sale(parsed.validated_data.get("customer", ""))
        order = services.sell(
            location=self.store,
            quantities=quantities_of(parsed.validated_data["lines"]),
            by=request.user,
            customer=customer,
            customer_email=email,
            tender=parsed.validated_data.get("tender"),
            sale_key=idempotency_key(request) or None,
        )
        return Response(OrderSerializer(order).data, status=status.HTTP_201_CREATED)


class ReturnsView(StoreScopedMixin, generics.ListAPIView):
    serializer_class = ReturnableOrderSerializer
    filterset_class = ReturnFilter
    #: 422: an order or a line that cannot be returned (or not that many).
    refusals = (403, 404, 422)

    @extend_schema(
        summary="Find an order to take back, of any channel: only orders the customer has "
        "(collected, sold at a till, dispatched) with something not yet returned",
        parameters=[search_parameter(ReturnFilter)],
        responses={200: ReturnableOrderSerializer(many=True)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.returnable_orders()

    @extend_schema(
        summary="Take lines of any order back at this store's counter; the refund is recorded",
        request=ReturnSerializer,
        responses={
            201: inline_serializer(
                "ReturnTaken",
                {
                    "order": serializers.CharField(),
                    "refund": serializers.DecimalField(max_digits=12, decimal_places=2),
                    "currency": serializers.CharField(),
                },
            ),
        },
    )
    def post(self, request, code):
        parsed = ReturnSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        data = parsed.validated_data
        order = get_object_or_404(Order, number=data["order"])
        quantities: dict[int, int] = {}
        for line in data["lines"]:
            quantities[line["line"]] = quantities.get(line["line"], 0) + line["quantity"]
        refund = services.take_return(
            location=self.store,
            order=order,
            quantities=quantities,
            by=request.user,
            damaged=data["damaged"],
            reason=data.get("reason", ""),
        )
        return Response(
            {"order": order.number, "refund": f"{refund:.2f}", "currency": order.currency},
            status=status.HTTP_201_CREATED,
        )
