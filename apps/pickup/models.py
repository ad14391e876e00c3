"""What happened to a pickup order, who did it and when. Till sales and counter returns are
their own rows (``apps.instore``)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.inventory.bounds import MAX_UNITS


class PickupEvent(models.Model):
    class Kind(models.TextChoices):
        PICKING_STARTED = "picking", _("Picking started")
        LINE_PICKED = "line_picked", _("Line picked")
        SHORT_PICK = "short_pick", _("Short pick")
        READY = "ready", _("Ready for collection")
        READY_RESENT = "ready_resent", _("Ready message sent again")
        REMINDED = "reminded", _("Reminded to collect")
        HOLD_EXTENDED = "hold_extended", _("Kept longer at the shopper's request")
        ARRIVED = "arrived", _("Customer arrived")
        WRONG_CODE = "wrong_code", _("Wrong pickup code")
        HANDED_OVER = "handed_over", _("Handed over")
        NOT_COLLECTED = "not_collected", _("Not collected")
        CANCELLED = "cancelled", _("Cancelled")

    order = models.ForeignKey("order.Order", on_delete=models.CASCADE, related_name="pickup_events")
    kind = models.CharField(max_length=16, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    line = models.ForeignKey("order.Line", null=True, blank=True, on_delete=models.SET_NULL)
    quantity = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_UNITS)]
    )
    refund = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    notified_at = models.DateTimeField(null=True, blank=True, help_text="When the shopper was told")
    texted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the shopper was sent a text about it"
    )

    #: Events the shopper is told about by e-mail.
    NOTIFY = {"short_pick", "ready", "ready_resent", "reminded", "not_collected", "cancelled"}
    #: Events also sent as a text message when the order has a phone (the ones to act on).
    TEXT = {"ready", "ready_resent", "reminded"}

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["order", "kind", "created_at"], name="pickup_event_order_kind")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=1, quantity__lte=MAX_UNITS),
                name="pickup_event_quantity_in_range",
                violation_error_message=f"A picked or short-picked quantity is 1 to {MAX_UNITS:,}.",
            )
        ]

    def __str__(self):
        return f"{self.order.number}: {self.get_kind_display()}"
