"""What happened to a pickup order, who did it and when. Till sales and counter returns are
their own rows (``apps.instore``)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
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
        SUB_OFFERED = "sub_offered", _("Substitute offered")
        SUB_ACCEPTED = "sub_accepted", _("Substitute accepted")
        SUB_DECLINED = "sub_declined", _("Substitute declined: not supplied")
        SUB_EXPIRED = "sub_expired", _("No answer in time: not supplied")
        SUB_WITHDRAWN = "sub_withdrawn", _("Substitute withdrawn: not supplied")

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
    NOTIFY = {
        "short_pick",
        "ready",
        "ready_resent",
        "reminded",
        "not_collected",
        "cancelled",
        "sub_offered",
    }
    #: Events also sent as a text message when the order has a phone (the ones to act on).
    TEXT = {"ready", "ready_resent", "reminded", "sub_offered"}

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


class Substitution(models.Model):
    """A substitute offered to the shopper for units short-picked from a line: what, how many,
    at what price (never above the original's unit price), and until when they may answer
    (``apps.pickup.substitutions``). Accepted, it becomes a line of the order (``new_line``);
    declined, unanswered or withdrawn, the missing units stay off the order, not supplied."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("Waiting for the customer's answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Not answered in time")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    order = models.ForeignKey("order.Order", on_delete=models.CASCADE, related_name="substitutions")
    line = models.ForeignKey(
        "order.Line",
        on_delete=models.CASCADE,
        related_name="substitutions",
        help_text="The line whose units were short-picked",
    )
    short_quantity = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_UNITS)],
        help_text="Units short-picked from the line that the substitute stands in for",
    )
    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.PROTECT, related_name="+", help_text="The substitute"
    )
    quantity = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_UNITS)]
    )
    unit_price_incl_tax = models.DecimalField(max_digits=12, decimal_places=2)
    unit_price_excl_tax = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.OFFERED, db_index=True
    )
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    offered_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(help_text="The shopper may answer until then")
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=64, blank=True)
    new_line = models.OneToOneField(
        "order.Line",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="substituted_for",
        help_text="The order's line of the substitute, once accepted",
    )

    class Meta:
        ordering = ["offered_at", "pk"]
        indexes = [models.Index(fields=["status", "expires_at"], name="substitution_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["line"],
                condition=Q(status="offered"),
                name="one_open_substitution_per_line",
                violation_error_message="This line already has a substitute waiting for an answer.",
            ),
            models.CheckConstraint(
                condition=Q(
                    short_quantity__gte=1,
                    short_quantity__lte=MAX_UNITS,
                    quantity__gte=1,
                    quantity__lte=F("short_quantity"),
                ),
                name="substitution_quantity_within_short_pick",
                violation_error_message="A substitute replaces 1 to the units short-picked.",
            ),
        ]

    def __str__(self):
        return f"{self.order.number}: {self.quantity} × {self.product} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OFFERED

    @property
    def total_incl_tax(self):
        return self.unit_price_incl_tax * self.quantity
