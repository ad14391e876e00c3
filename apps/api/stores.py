"""Public REST API for stores: the store finder for the mobile app and store systems."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from oscar.core.loading import get_model
from rest_framework import serializers
from rest_framework.response import Response

from apps.checkout.slots import pickup_slots
from apps.inventory.selectors import availability
from apps.stores.hours import opening_status, ready_time
from apps.stores.models import Store
from apps.stores.selectors import find_stores

from .exceptions import unprocessable
from .plumbing import PublicAPIView

Product = get_model("catalogue", "Product")


@extend_schema_field({"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "example": "09:00"})
class LocalTimeField(serializers.TimeField):
    """A time of day at the store, as its staff and shoppers read it: "09:00"."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class OpeningHoursSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(help_text="0 = Monday")
    day = serializers.CharField(source="get_weekday_display")
    opens = LocalTimeField()
    closes = LocalTimeField()


class StoreSerializer(serializers.ModelSerializer):
    distance_km = serializers.FloatField(allow_null=True, read_only=True)
    open_now = serializers.BooleanField(read_only=True)
    opening = serializers.CharField(read_only=True, help_text='"Open until 17:30" and the like')
    ready_for_pickup_at = serializers.DateTimeField(
        allow_null=True,
        read_only=True,
        help_text="When an order placed now would be ready (click-and-collect stores)",
    )
    available = serializers.IntegerField(
        allow_null=True,
        read_only=True,
        help_text="Units of the product asked about that this store can sell",
    )

    class Meta:
        model = Store
        fields = [
            "code",
            "name",
            "line1",
            "line2",
            "city",
            "postcode",
            "country",
            "latitude",
            "longitude",
            "phone",
            "email",
            "timezone",
            "click_and_collect",
            "holding_days",
            "distance_km",
            "open_now",
            "opening",
            "ready_for_pickup_at",
            "available",
        ]


class StoreDetailSerializer(StoreSerializer):
    opening_hours = OpeningHoursSerializer(many=True, read_only=True)
    closed_days = serializers.SerializerMethodField()

    class Meta(StoreSerializer.Meta):
        fields = [*StoreSerializer.Meta.fields, "opening_hours", "closed_days"]

    def get_closed_days(self, store) -> list[str]:
        today = timezone.localdate()
        return [day.date.isoformat() for day in store.closed_days.all() if day.date >= today]


class FinderSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False, max_length=100, help_text="Town, postcode or store name"
    )
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    lng = serializers.FloatField(required=False, min_value=-180, max_value=180)
    product = serializers.IntegerField(required=False, help_text="Say how many each store has")
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)
    click_and_collect = serializers.BooleanField(required=False, default=False)

    def validate(self, data):
        if ("lat" in data) != ("lng" in data):
            raise serializers.ValidationError(unprocessable("Give both lat and lng, or neither."))
        if "product" in data:
            product = Product.objects.filter(pk=data["product"], is_public=True).first()
            if product is None:
                raise serializers.ValidationError(
                    {"product": unprocessable("No such product.", "does_not_exist")}
                )
            data["product"] = product
        return data


def describe(store, *, distance_km=None, status=None, units=None, now=None):
    """Set what the serializers read on a store: distance, opening, pickup time, units."""
    now = now or timezone.now()
    status = status or opening_status(store, now)
    store.distance_km = round(distance_km, 1) if distance_km is not None else None
    store.open_now, store.opening = status.is_open, status.label
    store.ready_for_pickup_at = ready_time(store, now) if store.click_and_collect else None
    store.available = units
    return store


class StoreListView(PublicAPIView):
    refusals = (400, 422)  # a malformed query; an unknown product, lat without lng

    @extend_schema(
        summary="Find stores: nearest first around a point, or matching a town or postcode",
        parameters=[FinderSerializer],
        responses={200: StoreSerializer(many=True)},
        tags=["stores"],
    )
    def get(self, request):
        finder = FinderSerializer(data=request.query_params)
        finder.is_valid(raise_exception=True)
        data, now = finder.validated_data, timezone.now()
        results = find_stores(
            query=data.get("q", ""),
            near=(data["lat"], data["lng"]) if "lat" in data else None,
            limit=data["limit"],
            click_and_collect_only=data["click_and_collect"],
            now=now,
        )
        product = data.get("product")
        units = (
            availability(products=[product], locations=[r.store for r in results])
            if product
            else None
        )
        stores = [
            describe(
                r.store,
                distance_km=r.distance_km,
                status=r.status,
                units=units.at(product, r.store) if units else None,
                now=now,
            )
            for r in results
        ]
        return Response(StoreSerializer(stores, many=True).data)


class StoreDetailView(PublicAPIView):
    @extend_schema(
        summary="One store: address, opening hours, closed days, pickup time",
        responses={200: StoreDetailSerializer},
        tags=["stores"],
    )
    def get(self, request, code):
        store = get_object_or_404(
            Store.objects.filter(is_active=True).prefetch_related("opening_hours", "closed_days"),
            code=code,
        )
        return Response(StoreDetailSerializer(describe(store)).data)


class SlotSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    places_left = serializers.IntegerField(help_text="Orders the store can still take then")


class SlotsQuerySerializer(serializers.Serializer):
    days = serializers.IntegerField(
        required=False, min_value=1, max_value=14, help_text="How many days ahead (default 7)"
    )


class StoreSlotsView(PublicAPIView):
    refusals = (400,)  # a malformed query

    @extend_schema(
        summary="Pickup times a collect order can book at this store, earliest first",
        description=(
            "Only times the store's picking capacity, its queue and its opening hours allow; "
            "full ones are left out. Empty for a store that offers no times (its orders get "
            "the earliest ready time). Send one's `starts_at` as `pickup_slot` to the collect "
            "checkout."
        ),
        parameters=[SlotsQuerySerializer],
        responses={200: SlotSerializer(many=True)},
        tags=["stores"],
    )
    def get(self, request, code):
        query = SlotsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        store = get_object_or_404(
            Store.objects.filter(is_active=True).prefetch_related(
                "opening_hours", "closed_days", "pickup_windows"
            ),
            code=code,
        )
        slots = pickup_slots(store, days=query.validated_data.get("days"))
        return Response(SlotSerializer(slots, many=True).data)
