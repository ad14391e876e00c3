"""Telling shoppers what happened: for a pickup event at most one e-mail and at most one text
message, each channel on its own so one failing never repeats the other; for a return at the
counter one receipt. Each row is locked while sending and marked sent in the same transaction,
so a retry or a second worker never sends it twice."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from apps.checkout import order_payment
from apps.instore.models import CounterReturn
from apps.order.links import order_page_url
from apps.pickup import reasons
from apps.pickup.models import PickupEvent
from apps.pickup.selectors import collect_by, extension_refused
from apps.pickup.substitutions import message_context, too_late_to_ask

from . import sms

CommunicationEventType = get_model("communication", "CommunicationEventType")
Dispatcher = get_class("communication.utils", "Dispatcher")


def _locked_event(event_id: int) -> PickupEvent:
    return (
        PickupEvent.objects.select_for_update(of=("self",))
        .select_related("order__pickup_location", "order__user", "line")
        .get(pk=event_id)
    )


def _messages(event: PickupEvent) -> dict:
    """The event's texts, from Oscar's communication event type ``PICKUP_<KIND>``."""
    order = event.order
    kind = "ready" if event.kind == PickupEvent.Kind.READY_RESENT else event.kind
    due = collect_by(order)
    return CommunicationEventType.objects.get_and_render(
        f"PICKUP_{kind.upper()}",
        {
            "order": order,
            "event": event,
            "store": order.pickup_location,
            "collect_by": due,
            # The reminder offers to keep the order longer while the shopper still may.
            "can_extend": not extension_refused(order, due=due, now=timezone.now()),
            "extension_days": settings.PICKUP_HOLD_EXTENSION_DAYS,
            "order_url": order_page_url(order),
            "shopper_reason": reasons.for_shopper(event.detail),
            **message_context(event),  # a substitute offered: the offer and its answer link
            # Charged only for what is collected: nothing to refund for what is not.
            "pays_on_collection": order_payment.pays_on_collection(order),
        },
    )


def send_event_message(*, event_id: int) -> bool:
    """Send the e-mail for one event unless it was sent already; True if sent now.

    The event row is locked while sending, and marked sent in the same transaction, so a retry
    or a second worker never sends it twice; a failed send leaves it unmarked for the retry.
    """
    with transaction.atomic():
        event = _locked_event(event_id)
        if event.notified_at is not None or event.kind not in PickupEvent.NOTIFY:
            return False
        if too_late_to_ask(event):  # marked, so the sweeper stops retrying it
            event.notified_at = timezone.now()
            event.save(update_fields=["notified_at"])
            return False
        order = event.order
        messages = {**_messages(event), "sms": ""}  # texts go through send_event_text
        if order.user is not None:
            Dispatcher().dispatch_user_messages(order.user, messages)
        else:
            Dispatcher().dispatch_anonymous_messages(order.guest_email, messages)
        event.notified_at = timezone.now()
        event.save(update_fields=["notified_at"])
    return True


def texts_wanted(order) -> bool:
    """Guests who gave a phone at checkout want texts; account holders can turn them off."""
    profile = getattr(order.user, "profile", None) if order.user_id else None
    return profile is None or profile.texts_ok


def send_event_text(*, event_id: int) -> bool:
    """Text the collector's phone about one event, once; True if sent now (same locking)."""
    with transaction.atomic():
        event = _locked_event(event_id)
        phone = event.order.pickup_phone
        if event.texted_at is not None or event.kind not in PickupEvent.TEXT or not phone:
            return False
        if not texts_wanted(event.order):
            return False
        if too_late_to_ask(event):
            event.texted_at = timezone.now()
            event.save(update_fields=["texted_at"])
            return False
        body = " ".join(_messages(event)["sms"].split())
        if body:
            sms.send(to=phone, body=body)
        event.texted_at = timezone.now()
        event.save(update_fields=["texted_at"])
    return bool(body)


def send_return_receipt(*, return_ids: list[int]) -> bool:
    """E-mail what was taken back and the refund; True if sent now (same locking)."""
    with transaction.atomic():
        items = list(
            CounterReturn.objects.select_for_update(of=("self",))
            .filter(pk__in=return_ids, notified_at__isnull=True)
            .select_related("order__user", "line", "location")
            .order_by("pk")
        )
        if not items:
            return False
        order = items[0].order
        email = order.user.email if order.user_id else order.guest_email
        if email:
            messages = CommunicationEventType.objects.get_and_render(
                "RETURN_TAKEN",
                {
                    "order": order,
                    "items": items,
                    "store": items[0].location,
                    "refund": sum(item.refund for item in items),
                },
            )
            messages["sms"] = ""
            if order.user_id:
                Dispatcher().dispatch_user_messages(order.user, messages)
            else:
                Dispatcher().dispatch_anonymous_messages(email, messages)
        # Marked even with nobody to write to (a till sale without a customer): nothing to retry.
        CounterReturn.objects.filter(pk__in=[item.pk for item in items]).update(
            notified_at=timezone.now()
        )
    return bool(email)
