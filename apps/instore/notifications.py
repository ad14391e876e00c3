"""The customer's receipt for a return at the counter: one e-mail per return, at most once."""

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from .models import CounterReturn

CommunicationEventType = get_model("communication", "CommunicationEventType")
Dispatcher = get_class("communication.utils", "Dispatcher")


def send_return_receipt(*, return_ids: list[int]) -> bool:
    """E-mail what was taken back and the refund; True if sent now. The rows are locked and
    marked in the same transaction, so a retry or a second worker never sends it twice."""
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
