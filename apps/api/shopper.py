"""Checkout for the mobile app and other integrations: a collect or delivery order in one
request, then the shopper's own orders (with pickup code and QR code while a pickup is open)."""

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from oscar.core.loading import get_model
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.checkout import services
from apps.order import pickup_codes
from apps.pickup import selectors as pickup_selectors
from apps.pickup import services as pickup
from apps.pickup import substitutions
from apps.pickup.models import Substitution
from apps.profiles import phones
from apps.profiles.selectors import profile_phone
from apps.stores.models import Store

from .exceptions import unprocessable
from .plumbing import (
    IDEMPOTENCY_KEY,
    ProductLineSerializer,
    PublicAPIView,
    RequestSerializer,
    idempotency_key,
    lines_of,
    quantities_of,
)

Country = get_model("address", "Country")
Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")


EARLIEST_SLOT = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST_SLOT = dt.datetime(3000, 1, 1, tzinfo=dt.UTC)


#: The card, where the shop's gateway takes one (docs/payments.md).
PAYMENT_METHOD = serializers.CharField(
    required=False,
    allow_blank=True,
    max_length=255,
    help_text=(
        "The card as a Stripe PaymentMethod id (`pm_...`, from Stripe's mobile SDK) when the "
        "shop uses the Stripe gateway; authorised now, charged when the order leaves"
    ),
)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Collect at London Soho",
            value={
                "store": "london-soho",
                "lines": [{"upc": "OMNI-000001", "quantity": 2}, {"product": 3}],
                "collector_name": "Ann Other",
            },
            request_only=True,
        )
    ]
)
class CollectOrderSerializer(RequestSerializer):
    store = serializers.SlugRelatedField(
        slug_field="code", queryset=Store.objects.filter(is_active=True), help_text="Store code"
    )
    lines = lines_of(ProductLineSerializer)
    collector_name = serializers.CharField(
        required=False, max_length=128, help_text="Who will collect (default: your name)"
    )
    collector_phone = serializers.CharField(
        required=False, allow_blank=True, max_length=32, help_text="Default: your profile's"
    )
    pickup_slot = serializers.DateTimeField(
        required=False,
        help_text=(
            "A pickup time's `starts_at` from `GET /api/stores/{code}/slots/`, where the store "
            "offers times (default: the earliest ready time)"
        ),
    )
    payment_method = PAYMENT_METHOD
    pay_at_counter = serializers.BooleanField(
        default=False,
        help_text="Pay at the store's counter when collecting: nothing is authorised online",
    )

    def validate_pickup_slot(self, when):
        # Times the shop can turn into a store's local time (a year-1 time has none).
        if not EARLIEST_SLOT <= when < LATEST_SLOT:
            raise serializers.ValidationError(
                unprocessable("Choose one of the store's pickup times.", "invalid_slot")
            )
        return when

    def validate_collector_phone(self, typed):
        phone = phones.normalise(typed)
        if typed.strip() and not phone:
            raise serializers.ValidationError(
                unprocessable("Enter a phone number we can text.", "invalid_phone")
            )
        return phone


class AddressSerializer(RequestSerializer):
    first_name = serializers.CharField(max_length=255)
    last_name = serializers.CharField(max_length=255)
    line1 = serializers.CharField(max_length=255)
    line2 = serializers.CharField(max_length=255, required=False, allow_blank=True)
    city = serializers.CharField(max_length=255)
    postcode = serializers.CharField(max_length=64)
    country = serializers.CharField(max_length=2, default="GB", help_text="ISO 3166-1 alpha-2")
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)

    def validate(self, data):
        country = Country.objects.filter(
            iso_3166_1_a2=data["country"].upper(), is_shipping_country=True
        ).first()
        if country is None:
            raise serializers.ValidationError(
                {"country": unprocessable("We do not deliver there.", "invalid_choice")}
            )
        fields = {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "line1": data["line1"],
            "line2": data.get("line2", ""),
            "line4": data["city"],
            "postcode": data["postcode"],
            "country": country,
            "phone_number": phones.normalise(data.get("phone", "")) or "",
        }
        try:
            ShippingAddress(**fields).full_clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(
                {
                    ("city" if key == "line4" else key): [
                        unprocessable(message, "invalid_address") for message in messages
                    ]
                    for key, messages in exc.message_dict.items()
                }
            ) from exc
        return fields


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Deliver to Leeds",
            value={
                "lines": [{"upc": "OMNI-000001", "quantity": 1}],
                "address": {
                    "first_name": "Shona",
                    "last_name": "Reid",
                    "line1": "1 Park Row",
                    "city": "Leeds",
                    "postcode": "LS1 5AB",
                    "country": "GB",
                    "phone": "07911 123456",
                },
            },
            request_only=True,
        )
    ]
)
class DeliveryOrderSerializer(RequestSerializer):
    lines = lines_of(ProductLineSerializer)
    address = AddressSerializer()
    payment_method = PAYMENT_METHOD


class ShopperLineSerializer(serializers.Serializer):
    title = serializers.CharField()
    upc = serializers.CharField(allow_null=True)
    quantity = serializers.IntegerField()
    unit_price_incl_tax = serializers.DecimalField(max_digits=12, decimal_places=2)


class ShopperOrderSerializer(serializers.ModelSerializer):
    """An order as its shopper sees it, whatever the channel it was placed in."""

    placed_at = serializers.DateTimeField(source="date_placed")
    store = serializers.SerializerMethodField()
    pickup_code = serializers.SerializerMethodField(help_text="Show it (or the QR code) in store")
    pickup_qr_svg = serializers.SerializerMethodField(help_text="The QR code as an SVG image")
    lines = ShopperLineSerializer(many=True, source="lines.all")

    class Meta:
        model = Order
        fields = [
            "number",
            "channel",
            "status",
            "placed_at",
            "store",
            "ready_by",
            "pickup_code",
            "pickup_qr_svg",
            "total_incl_tax",
            "currency",
            "lines",
        ]

    def get_store(self, order) -> dict | None:
        store = order.pickup_location
        return {"code": store.code, "name": store.name} if store else None

    def get_pickup_code(self, order) -> str | None:
        return pickup_codes.display(order.pickup_code) if order.pickup_code_is_live else None

    def get_pickup_qr_svg(self, order) -> str | None:
        return pickup_codes.qr_svg(order.pickup_code) if order.pickup_code_is_live else None


#: What a one-step checkout answers: the order, placed now (201) or by an earlier try (200).
ONE_STEP_ANSWERS = {201: ShopperOrderSerializer, 200: ShopperOrderSerializer}


def placed_answer(order, placed: bool) -> Response:
    return Response(
        ShopperOrderSerializer(order).data,
        status=status.HTTP_201_CREATED if placed else status.HTTP_200_OK,
    )


class CheckoutView(APIView):
    #: 402: payment declined; 409: not enough stock; 422: refused (an unknown product...).
    refusals = (402, 409, 422)


class CollectCheckoutView(CheckoutView):
    @extend_schema(
        summary="Place a click-and-collect order: allocated at the store, paid, in one step",
        description=(
            "Send an `Idempotency-Key` header (up to 64 characters) so that a retried request "
            "returns the order already placed (200) instead of placing and charging another."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=CollectOrderSerializer,
        responses=ONE_STEP_ANSWERS,
        tags=["checkout"],
    )
    def post(self, request):
        parsed = CollectOrderSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        data, user = parsed.validated_data, request.user
        order, placed = services.place_collect_order(
            user=user,
            store=data["store"],
            quantities=quantities_of(data["lines"]),
            collector_name=data.get("collector_name") or user.get_full_name() or user.email,
            collector_phone=data.get("collector_phone") or profile_phone(user),
            slot=data.get("pickup_slot"),
            idempotency_key=idempotency_key(request),
            payment_method=data.get("payment_method", ""),
            pay_at_counter=data["pay_at_counter"],
        )
        return placed_answer(order, placed)


class DeliveryCheckoutView(CheckoutView):
    @extend_schema(
        summary="Place a home-delivery order: allocated at the warehouse, paid, in one step",
        description="Same rules as the collect checkout, `Idempotency-Key` included.",
        parameters=[IDEMPOTENCY_KEY],
        request=DeliveryOrderSerializer,
        responses=ONE_STEP_ANSWERS,
        tags=["checkout"],
    )
    def post(self, request):
        parsed = DeliveryOrderSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        order, placed = services.place_delivery_order(
            user=request.user,
            quantities=quantities_of(parsed.validated_data["lines"]),
            address=parsed.validated_data["address"],
            idempotency_key=idempotency_key(request),
            payment_method=parsed.validated_data.get("payment_method", ""),
        )
        return placed_answer(order, placed)


class MyOrdersView(generics.ListAPIView):
    serializer_class = ShopperOrderSerializer
    queryset = Order.objects.none()  # for the schema; the shopper's own in get_queryset

    @extend_schema(summary="My orders of every channel, newest first", tags=["account"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return (
            Order.objects.filter(user=self.request.user)
            .select_related("pickup_location")
            .prefetch_related("lines")
            .order_by("-date_placed", "-pk")
        )


@extend_schema_serializer(
    examples=[OpenApiExample("In the car park", value={"note": "parking bay 3"}, request_only=True)]
)
class ArrivalSerializer(RequestSerializer):
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=120, help_text='e.g. "parking bay 3"'
    )


class ArrivedView(APIView):
    refusals = (409, 422)  # not ready for collection; refused

    @extend_schema(
        summary="I'm here: tell the store you have arrived to collect (ready orders only)",
        request=ArrivalSerializer,
        responses={200: ShopperOrderSerializer},
        tags=["account"],
    )
    def post(self, request, number):
        order = get_object_or_404(Order.objects.filter(user=request.user), number=number)
        parsed = ArrivalSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        order = pickup.announce_arrival(
            order=order, by=request.user, note=parsed.validated_data.get("note", "")
        )
        return Response(ShopperOrderSerializer(order).data)


class CancelMyOrderView(APIView):
    refusals = (409,)  # the store has started picking it (or it is not a pickup order)

    @extend_schema(
        summary="Cancel my click-and-collect order, before the store starts picking it",
        description=(
            "The items go back on sale and the refund is recorded; the answer is the order, "
            "now `Cancelled`. Once picking has started only the store can cancel (409)."
        ),
        request=None,
        responses={200: ShopperOrderSerializer},
        tags=["account"],
    )
    def post(self, request, number):
        order = get_object_or_404(Order.objects.filter(user=request.user), number=number)
        order = pickup.cancel_by_shopper(order=order, by=request.user)
        return Response(ShopperOrderSerializer(order).data)


class HeldOrderSerializer(ShopperOrderSerializer):
    """A ready order kept longer: the order, with its new collect-by time."""

    collect_by = serializers.SerializerMethodField(help_text="Collect by this time")
    hold_extension_days = serializers.IntegerField(help_text="Days added at your request")

    class Meta(ShopperOrderSerializer.Meta):
        fields = [*ShopperOrderSerializer.Meta.fields, "collect_by", "hold_extension_days"]

    def get_collect_by(self, order) -> dt.datetime | None:
        return pickup_selectors.collect_by(order) if order.is_pickup else None


class ExtendHoldView(APIView):
    refusals = (409,)  # not ready, kept longer once already, or past its collect-by time

    @extend_schema(
        summary="Keep my ready click-and-collect order longer, once",
        description=(
            "Moves the order's collect-by time on by the shop's `PICKUP_HOLD_EXTENSION_DAYS` "
            "(3 days unless set) and a reminder comes again before the new end. Only for a "
            "ready order, once, before its collect-by time; otherwise 409 with the reason."
        ),
        request=None,
        responses={200: HeldOrderSerializer},
        tags=["account"],
    )
    def post(self, request, number):
        order = get_object_or_404(Order.objects.filter(user=request.user), number=number)
        order = pickup.extend_hold(order=order, by=request.user)
        return Response(HeldOrderSerializer(order).data)


class MyOrderView(APIView):
    @extend_schema(
        summary="One of my orders, with its pickup code and QR code while it is open",
        responses={200: ShopperOrderSerializer},
        tags=["account"],
    )
    def get(self, request, number):
        order = get_object_or_404(Order.objects.filter(user=request.user), number=number)
        return Response(ShopperOrderSerializer(order).data)


# --- A substitute offered for a short-picked item: answered by its signed link ------------------


class SubstitutionSerializer(serializers.Serializer):
    order = serializers.CharField(source="order.number")
    store = serializers.CharField(source="order.pickup_location.name")
    missing = serializers.CharField(source="line.title", help_text="The item not available")
    missing_quantity = serializers.IntegerField(source="short_quantity")
    missing_unit_price = serializers.DecimalField(
        source="line.unit_price_incl_tax", max_digits=12, decimal_places=2
    )
    substitute = serializers.CharField(source="product.title")
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(
        source="unit_price_incl_tax",
        max_digits=12,
        decimal_places=2,
        help_text="Never more than the missing item's",
    )
    status = serializers.ChoiceField(choices=Substitution.Status.choices)
    answer_by = serializers.DateTimeField(source="expires_at")


@extend_schema_serializer(
    examples=[OpenApiExample("Yes please", value={"answer": "accept"}, request_only=True)]
)
class SubstitutionAnswerSerializer(RequestSerializer):
    answer = serializers.ChoiceField(choices=["accept", "decline"])


class SubstitutionMixin:
    def offer(self, token):
        try:
            return substitutions.offer_for_token(token)
        except substitutions.BadLink as exc:
            raise Http404(str(exc)) from exc


class SubstitutionView(SubstitutionMixin, PublicAPIView):
    refusals = (404,)  # a link we did not sign, or altered

    @extend_schema(
        summary="A substitute offered for an item the store could not pick",
        description=(
            "By the signed `token` of the link in the shopper's e-mail and text (no sign-in). "
            "An offer past its time reads `expired`."
        ),
        responses={200: SubstitutionSerializer},
        tags=["substitutions"],
    )
    def get(self, request, token):
        offer = self.offer(token)
        substitutions.expire_due(order=offer.order)
        offer.refresh_from_db()
        return Response(SubstitutionSerializer(offer).data)


class SubstitutionAnswerView(SubstitutionMixin, PublicAPIView):
    refusals = (404, 409)  # an unknown link; answered already, out of time, withdrawn, sold out

    @extend_schema(
        summary="Accept or decline a substitute, once",
        description=(
            "Accepted: the substitute is added to the order at its `unit_price`, its units "
            "allocated at the store. Declined: the missing item is off the order, not charged. "
            "409 with the reason when the offer is no longer open (answered already, out of "
            "time, withdrawn by the store, or the substitute sold out meanwhile)."
        ),
        request=SubstitutionAnswerSerializer,
        responses={200: SubstitutionSerializer},
        tags=["substitutions"],
    )
    def post(self, request, token):
        offer = self.offer(token)
        parsed = SubstitutionAnswerSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        offer = substitutions.answer(
            offer=offer, accept=parsed.validated_data["answer"] == "accept"
        )
        return Response(SubstitutionSerializer(offer).data)
