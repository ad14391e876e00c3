"""How the order dashboard sorts orders into channels and stores, as query expressions."""

from django.db.models import Case, CharField, F, IntegerField, OuterRef, Subquery, Value, When
from oscar.core.loading import get_model

Line = get_model("order", "Line")

WEB_DELIVERY, WEB_COLLECT, STORE_TILL = "delivery", "collect", "till"
#: The channels a merchandiser tells apart (the app's orders are web orders).
CHANNELS = {
    WEB_DELIVERY: "Web delivery",
    WEB_COLLECT: "Web collect",
    STORE_TILL: "Store till",
}


def channel_of():
    """A till sale, a collect order (it has a pickup store) or a delivery."""
    return Case(
        When(channel="store", then=Value(STORE_TILL)),
        When(pickup_location__isnull=False, then=Value(WEB_COLLECT)),
        default=Value(WEB_DELIVERY),
        output_field=CharField(),
    )


def store_of():
    """The store an order belongs to: its pickup store, or for a till sale the store whose
    stock its lines were sold from; none for a delivery."""
    till_store = Subquery(
        Line.objects.filter(order=OuterRef("pk")).values("partner__location__id")[:1]
    )
    return Case(
        When(pickup_location__isnull=False, then=F("pickup_location_id")),
        When(channel="store", then=till_store),
        default=None,
        output_field=IntegerField(),
    )
