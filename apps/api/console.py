"""The store console's REST API, for scanners, store systems and tablets: a store's pickup
queue, its orders, the actions on them, its stock and its report. Thin: each view parses the
request, calls one service or selector and serialises the result."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    extend_schema_view,
    inline_serializer,
)
from oscar.core.loading import get_model
from rest_framework import generics, serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.checkout import order_payment
from apps.instore import services as instore
from apps.inventory.selectors import stock_records
from apps.inventory.services import MAX_UNITS
from apps.order.selectors import order_history
from apps.pickup import reasons, selectors, services, substitutions
from apps.reports import selectors as reports
from apps.stores.models import Store
from apps.stores.selectors import staff_locations, staff_store

from .exceptions import unprocessable
from .filters import StockFilter, StoreOrderFilter, search_parameter
from .plumbing import MAX_LINE_UNITS, RequestSerializer

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")


class StoreScopedMixin:
    """Loads the store named in the URL; staff of other stores get 403 (in every endpoint)."""

    managers_only = False
    #: Another store's (or, for managers' endpoints, an associate's) 403; an unknown store 404.
    refusals = (403, 404)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication first: anonymous get 401/403
        self.store, self.role = staff_store(
            request.user, kwargs["code"], managers_only=self.managers_only
        )

    def get_order(self):
        return selectors.order_at_store(self.store, self.kwargs["number"])


# --- Serializers ---------------------------------------------------------------------------


class StepSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    label = serializers.CharField()
    by = serializers.CharField(allow_null=True)
    line = serializers.IntegerField(allow_null=True, required=False)
    line_title = serializers.CharField(required=False)
    quantity = serializers.IntegerField(allow_null=True, required=False)
    refund = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, required=False
    )
    detail = serializers.DictField(required=False)


class LineSerializer(serializers.ModelSerializer):
    to_collect = serializers.IntegerField(
        source="num_allocated", help_text="Units still promised to the customer"
    )
    to_pick = serializers.SerializerMethodField(help_text="Not yet confirmed by the picker")

    class Meta:
        model = get_model("order", "Line")
        fields = ["id", "title", "upc", "quantity", "to_collect", "unit_price_incl_tax", "to_pick"]

    def get_to_pick(self, line) -> bool:
        return line.pk in self.context.get("to_pick", ())


class OrderSummarySerializer(serializers.ModelSerializer):
    customer = serializers.SerializerMethodField()
    placed_at = serializers.DateTimeField(source="date_placed")
    # Annotated by the store's order selectors; absent (null) on a till sale.
    ready_at = serializers.DateTimeField(read_only=True, allow_null=True)
    handed_over_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Order
        fields = [
            "number",
            "status",
            "channel",
            "customer",
            "placed_at",
            "ready_by",
            "ready_at",
            "handed_over_at",
            "total_incl_tax",
            "currency",
        ]

    def get_customer(self, order) -> str:
        if order.pickup_name:
            return order.pickup_name
        if order.user_id:
            return order.user.get_full_name() or order.user.email
        return order.guest_email


class PaymentSerializer(serializers.Serializer):
    summary = serializers.CharField(help_text='Where it stands: "To pay at the counter: £20.00"')
    to_pay_at_counter = serializers.BooleanField(
        help_text="Hand-over needs `paid_at_till`: the customer pays at the till"
    )


class OrderSerializer(OrderSummarySerializer):
    email = serializers.CharField(read_only=True)
    phone = serializers.CharField(source="pickup_phone")
    lines = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(help_text="The action endpoints open now")
    payment = serializers.SerializerMethodField()

    class Meta(OrderSummarySerializer.Meta):
        fields = [
            *OrderSummarySerializer.Meta.fields,
            "email",
            "phone",
            "lines",
            "timeline",
            "actions",
            "payment",
        ]

    @extend_schema_field(PaymentSerializer)
    def get_payment(self, order):
        state = order_payment.payment_state(order)
        return {"summary": state.summary(order), "to_pay_at_counter": state.to_pay_at_counter}

    @extend_schema_field(LineSerializer(many=True))
    def get_lines(self, order):
        to_pick = {line.pk for line in selectors.unconfirmed_lines(order)}
        return LineSerializer(order.lines.all(), many=True, context={"to_pick": to_pick}).data

    @extend_schema_field(StepSerializer(many=True))
    def get_timeline(self, order):
        return StepSerializer(order_history(order), many=True).data

    def get_actions(self, order) -> list[str]:
        return list(order.staff_actions)


class QueueGroupSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    orders = OrderSummarySerializer(many=True)


class StockSerializer(serializers.ModelSerializer):
    product = serializers.IntegerField(source="product_id")
    upc = serializers.CharField(source="product.upc")
    title = serializers.CharField(source="product.title")
    on_hand = serializers.IntegerField(source="num_in_stock")
    allocated = serializers.IntegerField(
        source="num_allocated", help_text="Promised to pickup orders"
    )
    available_to_sell = serializers.IntegerField(source="ats")

    class Meta:
        model = StockRecord
        fields = ["product", "upc", "title", "on_hand", "allocated", "available_to_sell"]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Shelf count",
            value={"product": 12, "counted": 5, "note": "Saturday count"},
            request_only=True,
        )
    ]
)
class CountSerializer(RequestSerializer):
    product = serializers.PrimaryKeyRelatedField(
        queryset=Product.objects.all(), pk_field=serializers.IntegerField()
    )
    counted = serializers.IntegerField(
        min_value=0, max_value=MAX_UNITS, help_text="Units counted on the shelf"
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


def _reason_help(action: str) -> str:
    codes = ", ".join(f"`{code}` ({label})" for code, label in reasons.choices(action))
    return f"Why: one of {codes}; other text is kept as `other` with the text as its note"


class ReasonSerializer(RequestSerializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text=_reason_help("cancel")
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=reasons.NOTE_MAX,
        help_text="What happened, for staff and merchandisers (never sent to the shopper); "
        "needed with `other`",
    )


class NotCollectedSerializer(ReasonSerializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text=_reason_help("not-collected")
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample("One damaged", value={"quantity": 1, "reason": "damaged"}, request_only=True)
    ]
)
class ShortPickSerializer(ReasonSerializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text=_reason_help("short-pick")
    )
    quantity = serializers.IntegerField(
        min_value=1, max_value=MAX_LINE_UNITS, help_text="Units missing or damaged"
    )
    substitute = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="A product to offer the shopper instead (from `substitutes/`): they accept or "
        "decline by a signed link, and the order cannot be made ready until they answer",
    )
    substitute_quantity = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_LINE_UNITS,
        help_text="Units of the substitute to offer, at most `quantity` (default `quantity`)",
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample("Code scanned", value={"code": "ABCD-2345"}, request_only=True),
        OpenApiExample(
            "ID checked",
            value={"id_checked": True, "collected_by": "Ann Other"},
            request_only=True,
        ),
    ]
)
class HandOverSerializer(RequestSerializer):
    code = serializers.CharField(
        required=False, allow_blank=True, max_length=32, help_text="As scanned or typed"
    )
    id_checked = serializers.BooleanField(
        default=False, help_text="No code: the customer's ID was checked instead"
    )
    collected_by = serializers.CharField(required=False, allow_blank=True, max_length=128)
    paid_at_till = serializers.BooleanField(
        default=False,
        help_text="An order to pay at the counter: its payment was taken at the till "
        "(needed to hand it over; refused for an order paid online)",
    )
    till_reference = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="The card terminal's reference for the till payment (optional)",
    )

    def validate(self, data):
        if data["id_checked"] and not data.get("collected_by", "").strip():
            raise serializers.ValidationError(
                {"collected_by": unprocessable("Record who collected when their ID was checked.")}
            )
        if not data["id_checked"] and not data.get("code", "").strip():
            raise serializers.ValidationError(
                {"code": unprocessable("Scan or type the pickup code, or check the customer's ID.")}
            )
        return data


# --- Views ---------------------------------------------------------------------------------


class MyStoresView(APIView):
    @extend_schema(
        summary="The stores I can work for",
        responses=inline_serializer(
            "MyStore",
            {"code": serializers.CharField(), "name": serializers.CharField()},
            many=True,
        ),
    )
    def get(self, request):
        stores = staff_locations(request.user).filter(kind=Store.Kind.STORE, is_active=True)
        return Response(list(stores.order_by("name").values("code", "name")))


class QueueView(StoreScopedMixin, APIView):
    @extend_schema(
        summary="The store's pickup queue, grouped by state",
        responses={200: QueueGroupSerializer(many=True)},
    )
    def get(self, request, code):
        queue = selectors.queue(self.store)
        return Response(
            QueueGroupSerializer(
                [
                    {"key": key, "label": label, "count": len(orders), "orders": orders}
                    for key, label, orders in queue.groups
                ],
                many=True,
            ).data
        )


class OrderListView(StoreScopedMixin, generics.ListAPIView):
    serializer_class = OrderSummarySerializer
    filterset_class = StoreOrderFilter
    queryset = Order.objects.none()  # for the schema; the store's own in get_queryset

    @extend_schema(
        summary="The store's pickup orders, newest first; or those matching q, or in a state",
        parameters=[search_parameter(StoreOrderFilter)],
        responses={200: OrderSummarySerializer(many=True)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.store_orders(self.store).order_by("-date_placed", "-pk")


class OrderView(StoreScopedMixin, APIView):
    @extend_schema(
        summary="One of the store's orders: lines, timeline, what can be done now",
        responses={200: OrderSerializer},
    )
    def get(self, request, code, number):
        return Response(OrderSerializer(self.get_order()).data)


class OrderActionView(StoreScopedMixin, APIView):
    """POST one staff action (``statuses.STAFF_ACTIONS``); answers the order as it is
    afterwards, or a refusal with nothing changed."""

    action = ""
    request_serializer = None
    #: 409: the order is not in a state for it; 422: refused by the shop's rules.
    refusals = (403, 404, 409, 422)

    def params(self, order, data) -> dict:
        """The action's parameters from the request body (none by default)."""
        return {}

    def post(self, request, code, number, **kwargs):
        order = self.get_order()
        data = {}
        if self.request_serializer is not None:
            parsed = self.request_serializer(data=request.data)
            parsed.is_valid(raise_exception=True)
            data = parsed.validated_data
        services.act(self.action, order=order, by=request.user, **self.params(order, data))
        return Response(OrderSerializer(self.get_order()).data)

    def line(self, order):
        line = order.lines.filter(pk=self.kwargs["line"]).first()
        if line is None:
            raise Http404("No such line on this order.")
        return line


def documented(summary: str, request=None):
    """An action endpoint's own summary and request body in the schema."""
    return extend_schema_view(
        post=extend_schema(
            summary=summary,
            request=request,
            responses={200: OrderSerializer},
        )
    )


@documented("Start picking (placed -> picking)")
class StartPickingView(OrderActionView):
    action = "start-picking"


@documented("Confirm a line's units are in hand")
class LinePickedView(OrderActionView):
    action = "picked"

    def params(self, order, data):
        return {"line": self.line(order)}


@documented(
    "Short-pick part of a line: units released, refund recorded, shopper told",
    ShortPickSerializer,
)
class ShortPickView(OrderActionView):
    action = "short-pick"
    request_serializer = ShortPickSerializer

    def params(self, order, data):
        return {
            "line": self.line(order),
            "quantity": data["quantity"],
            "reason": data.get("reason", ""),
            "note": data.get("note", ""),
        }

    def post(self, request, code, number, **kwargs):
        parsed = ShortPickSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        data = parsed.validated_data
        if "substitute" not in data:
            return super().post(request, code, number, **kwargs)
        order = self.get_order()
        substitutions.short_pick_and_offer(
            order=order,
            by=request.user,
            substitute=data["substitute"],
            substitute_quantity=data.get("substitute_quantity", data["quantity"]),
            **self.params(order, data),
        )
        return Response(OrderSerializer(self.get_order()).data)


class SubstituteSerializer(serializers.Serializer):
    product = serializers.IntegerField(source="product.pk")
    title = serializers.CharField(source="product.title")
    upc = serializers.CharField(source="product.upc", allow_null=True)
    available = serializers.IntegerField(help_text="Units available to sell at this store")
    price = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Its own price")
    charged = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        help_text="What the shopper would pay a unit: never more than the missing item",
    )
    why = serializers.ListField(child=serializers.CharField(), help_text="Why it is proposed")


class SubstitutesView(StoreScopedMixin, APIView):
    @extend_schema(
        summary="Products to offer instead of a line's missing units, best first",
        description=(
            "Of the same family, category, attributes or kind, available to sell at this "
            "store. Offer one with `short-pick/`'s `substitute`."
        ),
        responses={200: SubstituteSerializer(many=True)},
    )
    def get(self, request, code, number, line):
        order = self.get_order()
        found = order.lines.filter(pk=line).first()
        if found is None:
            raise Http404("No such line on this order.")
        candidates = substitutions.candidates(line=found, store=self.store)
        return Response(SubstituteSerializer(candidates, many=True).data)


@documented("Ready for collection (every line confirmed); the shopper is told")
class ReadyView(OrderActionView):
    action = "ready"


@documented("Send the ready message again (no change of state)")
class ResendReadyView(OrderActionView):
    action = "resend-ready"


@documented("Hand over after checking the pickup code (or the customer's ID)", HandOverSerializer)
class HandOverView(OrderActionView):
    action = "hand-over"
    request_serializer = HandOverSerializer
    refusals = (*OrderActionView.refusals, 429)  # too many wrong codes

    def params(self, order, data):
        return {
            "code": data.get("code", ""),
            "id_checked": data["id_checked"],
            "collected_by": data.get("collected_by", ""),
            "paid_at_till": data["paid_at_till"],
            "till_reference": data.get("till_reference", ""),
        }


@documented(
    "Not collected after the holding days: stock back on sale, refund recorded",
    NotCollectedSerializer,
)
class NotCollectedView(OrderActionView):
    action = "not-collected"
    request_serializer = NotCollectedSerializer

    def params(self, order, data):
        return {"reason": data.get("reason", ""), "note": data.get("note", "")}


@documented("Cancel: stock back on sale, refund recorded, shopper told", ReasonSerializer)
class CancelView(OrderActionView):
    action = "cancel"
    request_serializer = ReasonSerializer

    def params(self, order, data):
        return {"reason": data.get("reason", ""), "note": data.get("note", "")}


class StockView(StoreScopedMixin, generics.ListAPIView):
    serializer_class = StockSerializer
    filterset_class = StockFilter
    queryset = StockRecord.objects.none()  # for the schema; the store's own in get_queryset

    @extend_schema(
        summary="What the store holds: on hand, promised, available to sell",
        parameters=[search_parameter(StockFilter)],
        responses={200: StockSerializer(many=True)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return stock_records(location=self.store)


class StockCountView(StoreScopedMixin, APIView):
    managers_only = True
    refusals = (403, 404, 422)

    @extend_schema(
        summary="Record a shelf count (managers): on hand set through the ledger",
        request=CountSerializer,
        responses={200: StockSerializer},
    )
    def post(self, request, code):
        parsed = CountSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        product = parsed.validated_data["product"]
        instore.count_shelf(
            location=self.store,
            product_id=product.pk,
            counted=parsed.validated_data["counted"],
            by=request.user,
            note=parsed.validated_data.get("note") or "API count",
        )
        record = stock_records(location=self.store).get(product=product)
        return Response(StockSerializer(record).data)


class FiguresSerializer(serializers.Serializer):
    date = serializers.DateField(allow_null=True)
    pickups_placed = serializers.IntegerField()
    pickup_value = serializers.DecimalField(max_digits=14, decimal_places=2)
    made_ready = serializers.IntegerField()
    ready_on_time = serializers.IntegerField()
    collected = serializers.IntegerField()
    not_collected = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    cancellations = serializers.IntegerField(help_text="Cancelled and not collected")
    cancellation_refunds = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        help_text="Paid back for orders cancelled or not collected (no goods came back)",
    )
    short_picked_units = serializers.IntegerField()
    short_pick_refunds = serializers.DecimalField(max_digits=14, decimal_places=2)
    pickup_refunds = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        help_text="Short-pick and cancellation refunds together (kept for older clients)",
    )
    till_sales = serializers.IntegerField()
    till_revenue = serializers.DecimalField(max_digits=14, decimal_places=2)
    returned_units = serializers.IntegerField()
    written_off_units = serializers.IntegerField()
    return_refunds = serializers.DecimalField(max_digits=14, decimal_places=2)
    refunds = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        help_text="Refunds for goods: counter returns and short picks (never cancellations)",
    )
    transfer_units_shipped = serializers.IntegerField()
    transfer_units_received = serializers.IntegerField()
    transfer_units_missing = serializers.IntegerField(
        help_text="Shipped to the store but recorded missing when it received them"
    )


class ReportSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    median_minutes_to_ready = serializers.FloatField(allow_null=True)
    median_hours_to_collect = serializers.FloatField(allow_null=True)
    total = FiguresSerializer()
    days = FiguresSerializer(many=True)


SPAN_RULE = (
    f"between {reports.FIRST_DAY:%Y-%m-%d} and {reports.LAST_DAY:%Y-%m-%d}, at most "
    f"{reports.MAX_DAYS} days from start to end (422 date_span or date_out_of_range otherwise)"
)


class ReportView(StoreScopedMixin, APIView):
    managers_only = True
    refusals = (400, 403, 404, 422)

    @extend_schema(
        summary="The store's figures day by day (managers); the last 7 days by default",
        parameters=[
            OpenApiParameter(
                "start",
                OpenApiTypes.DATE,
                description=f"First day (YYYY-MM-DD); {SPAN_RULE}. Default: 6 days before end",
            ),
            OpenApiParameter(
                "end",
                OpenApiTypes.DATE,
                description=f"Last day (YYYY-MM-DD); {SPAN_RULE}. Default: today at the store",
            ),
        ],
        responses={200: ReportSerializer},
    )
    def get(self, request, code):
        form = reports.ReportForm(
            request.query_params or None, today=reports.local_today(self.store)
        )
        if form.is_bound and not form.is_valid():
            raise serializers.ValidationError(
                {
                    ("non_field_errors" if field == "__all__" else field): [
                        ErrorDetail(message, code=error.code or "invalid")
                        for error in errors
                        for message in error.messages
                    ]
                    for field, errors in form.errors.as_data().items()
                }
            )
        start, end = form.span()
        return Response(
            ReportSerializer(reports.store_report(self.store, start=start, end=end)).data
        )
