"""Everything the shop holds about one person, across every channel, as plain rows: what an
export writes and what an erasure must reach. A person is an e-mail address: their account
(if any) and every order placed with it, guest orders and till receipts included."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from oscar.core.loading import get_model

from apps.instore.models import CounterReturn, TillSale
from apps.order import statuses
from apps.pickup.models import PickupEvent
from apps.profiles.models import Consent, ConsentChange, Profile

Order = get_model("order", "Order")
Line = get_model("order", "Line")
ShippingAddress = get_model("order", "ShippingAddress")
BillingAddress = get_model("order", "BillingAddress")
CommunicationEvent = get_model("order", "CommunicationEvent")
UserAddress = get_model("address", "UserAddress")
Email = get_model("communication", "Email")
Notification = get_model("communication", "Notification")

#: An order in one of these states is over: nothing left to hand over, dispatch or refund.
CLOSED = (
    statuses.COLLECTED,
    statuses.NOT_COLLECTED,
    statuses.CANCELLED,
    statuses.DISPATCHED,
    statuses.COMPLETED,
)


@dataclass(frozen=True)
class Person:
    email: str
    user: object | None  # the account with that e-mail, if there is one

    @property
    def label(self) -> str:
        return "account" if self.user is not None else "guest"


def person(email: str) -> Person:
    """The person this e-mail names: their account if there is one (any case). Nobody for
    something that is not an e-mail address (never the accounts without one)."""
    email = (email or "").strip()
    if "@" not in email:
        return Person(email="", user=None)
    user = get_user_model().objects.filter(email__iexact=email).order_by("pk").first()
    return Person(email=user.email if user else email, user=user)


def person_of(user) -> Person:
    return Person(email=user.email, user=user)


def orders_of(who: Person) -> QuerySet:
    """The person's orders in every channel: on their account, placed as a guest with their
    e-mail, or sold at a till with the receipt to their e-mail."""
    match = Q(pk__in=[])
    if who.email:  # never "": that would match every order without a guest e-mail
        match |= Q(guest_email__iexact=who.email) | Q(till_sale__receipt_email__iexact=who.email)
    if who.user is not None:
        match |= Q(user=who.user)
    # By id, not DISTINCT: the erasure locks these rows (FOR UPDATE refuses DISTINCT).
    matching = Order.objects.filter(match).values("pk")
    return Order.objects.filter(pk__in=matching).order_by("date_placed", "pk")


def open_orders(who: Person) -> list[str]:
    """Numbers of the person's orders still under way (not collected, dispatched, completed or
    cancelled yet): an erasure waits for them."""
    return list(orders_of(who).exclude(status__in=CLOSED).values_list("number", flat=True))


def exists(who: Person) -> bool:
    return who.user is not None or orders_of(who).exists()


# --- the export's rows ----------------------------------------------------------------------

ADDRESS_FIELDS = ("title", "first_name", "last_name", "line1", "line2", "line3", "line4")
ADDRESS_FIELDS += ("state", "postcode")


def _address(address, **extra) -> dict:
    row = dict(extra)
    row.update({name: getattr(address, name) for name in ADDRESS_FIELDS})
    row["country"] = address.country_id
    if hasattr(address, "phone_number"):
        row["phone_number"] = str(address.phone_number or "")
    if hasattr(address, "notes"):
        row["notes"] = address.notes
    return row


def _channel(order) -> str:
    if order.channel == Order.Channel.STORE:
        return "in store"
    return "collect" if order.pickup_location_id else "delivery"


def _store(order) -> str:
    if order.pickup_location_id:
        return str(order.pickup_location)
    sale = TillSale.objects.filter(order=order).select_related("location").first()
    return str(sale.location) if sale else ""


def export_rows(who: Person) -> dict[str, list[dict]]:
    """Every kind of record held about the person, each a list of flat rows (the archive's
    JSON holds them all, and one CSV each)."""
    user = who.user
    orders = list(
        orders_of(who).select_related(
            "pickup_location", "shipping_address", "billing_address", "user"
        )
    )
    ids = [o.pk for o in orders]
    number = {o.pk: o.number for o in orders}
    data: dict[str, list[dict]] = {}

    data["account"] = (
        [
            {
                "id": user.pk,
                "username": user.get_username(),
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "date_joined": user.date_joined,
                "last_login": user.last_login,
                "is_active": user.is_active,
            }
        ]
        if user
        else []
    )
    data["profile"] = [
        {"phone": str(p.phone or ""), "texts_about_orders": p.texts_ok}
        for p in Profile.objects.filter(user=user)
    ]
    data["addresses"] = [
        _address(a, id=a.pk, default_shipping=a.is_default_for_shipping)
        for a in UserAddress.objects.filter(user=user).order_by("pk")
    ]
    data["orders"] = [
        {
            "number": o.number,
            "channel": _channel(o),
            "status": o.status,
            "placed": o.date_placed,
            "store": _store(o),
            "currency": o.currency,
            "total_incl_tax": o.total_incl_tax,
            "total_excl_tax": o.total_excl_tax,
            "shipping_incl_tax": o.shipping_incl_tax,
            "shipping_method": o.shipping_method,
            "email": o.guest_email or (o.user.email if o.user_id else ""),
            "pickup_code": o.pickup_code or "",
            "collector_name": o.pickup_name,
            "collector_phone": o.pickup_phone,
            "ready_by": o.ready_by,
        }
        for o in orders
    ]
    data["order_lines"] = [
        {
            "order": number[line.order_id],
            "title": line.title,
            "upc": line.upc,
            "quantity": line.quantity,
            "price_incl_tax": line.line_price_incl_tax,
            "price_excl_tax": line.line_price_excl_tax,
            "status": line.status,
        }
        for line in Line.objects.filter(order_id__in=ids).order_by("order_id", "pk")
    ]
    data["order_addresses"] = [
        _address(o.shipping_address, order=o.number, kind="shipping")
        for o in orders
        if o.shipping_address_id
    ] + [
        _address(o.billing_address, order=o.number, kind="billing")
        for o in orders
        if o.billing_address_id
    ]
    events = list(PickupEvent.objects.filter(order_id__in=ids).order_by("created_at", "pk"))
    data["pickup_events"] = [
        {
            "order": number[e.order_id],
            "event": e.get_kind_display(),
            "at": e.created_at,
            "quantity": e.quantity,
            "refund": e.refund,
            "detail": e.detail,
        }
        for e in events
    ]
    data["arrivals"] = [
        {"order": number[e.order_id], "at": e.created_at, "note": e.detail.get("note", "")}
        for e in events
        if e.kind == PickupEvent.Kind.ARRIVED
    ]
    to_them = Q(email__iexact=who.email) | Q(user=user) if user else Q(email__iexact=who.email)
    emails = Email.objects.filter(to_them)
    data["emails"] = [
        {"sent": m.date_sent, "to": m.email or who.email, "subject": m.subject, "body": m.body_text}
        for m in emails.order_by("date_sent", "pk")
    ]
    data["notifications"] = [
        {"sent": n.date_sent, "read": n.date_read, "subject": n.subject, "body": n.body}
        for n in Notification.objects.filter(recipient=user).order_by("date_sent", "pk")
    ]
    sent = [
        {
            "order": number[e.order_id],
            "about": e.get_kind_display(),
            "by": "e-mail",
            "at": e.notified_at,
        }
        for e in events
        if e.notified_at
    ] + [
        {
            "order": number[e.order_id],
            "about": e.get_kind_display(),
            "by": "text",
            "at": e.texted_at,
        }
        for e in events
        if e.texted_at
    ]
    sent += [
        {
            "order": number[c.order_id],
            "about": c.event_type.name,
            "by": "e-mail",
            "at": c.date_created,
        }
        for c in CommunicationEvent.objects.filter(order_id__in=ids).select_related("event_type")
    ]
    data["messages_sent"] = sorted(sent, key=lambda row: (row["at"], row["order"]))
    data["consents"] = [
        {"channel": c.channel, "granted": c.granted, "updated": c.updated_at}
        for c in Consent.objects.filter(user=user).order_by("channel")
    ]
    data["consent_history"] = [
        {"channel": c.channel, "granted": c.granted, "source": c.source, "at": c.at}
        for c in ConsentChange.objects.filter(user=user).order_by("at", "pk")
    ]
    data["returns"] = [
        {
            "order": number[r.order_id],
            "item": r.line.title,
            "quantity": r.quantity,
            "refund": r.refund,
            "store": str(r.location),
            "at": r.created_at,
            "damaged": r.damaged,
        }
        for r in CounterReturn.objects.filter(order_id__in=ids).select_related("line", "location")
    ]
    data["till_sales"] = [
        {
            "order": number[s.order_id],
            "store": str(s.location),
            "at": s.created_at,
            "tender": s.tender,
            "amount_tendered": s.amount_tendered,
            "change_given": s.change_given,
            "receipt_email": s.receipt_email,
            "receipt_sent": s.receipt_sent_at,
        }
        for s in TillSale.objects.filter(order_id__in=ids).select_related("location")
    ]
    return data
