"""Our Order: one table for every channel, remembering the pickup store and code."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from oscar.apps.order.abstract_models import AbstractLine, AbstractOrder

from apps.inventory.bounds import MAX_UNITS

from . import statuses


class Order(AbstractOrder):
    class Channel(models.TextChoices):
        WEB = "web", _("Web")
        API = "api", _("API")
        STORE = "store", _("In store")

    channel = models.CharField(
        max_length=8, choices=Channel.choices, default=Channel.WEB, db_index=True
    )
    pickup_location = models.ForeignKey(
        "stores.Location",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pickup_orders",
        help_text="The store a click-and-collect order is collected from.",
    )
    pickup_code = models.CharField(max_length=16, unique=True, null=True, blank=True)
    ready_by = models.DateTimeField(
        null=True, blank=True, help_text="Promised ready-for-collection time"
    )
    pickup_name = models.CharField(
        max_length=128, blank=True, help_text="Who will collect (checked at the counter)"
    )
    pickup_phone = models.CharField(max_length=32, blank=True)
    pickup_slot = models.ForeignKey(
        "stores.PickupSlot",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        help_text="The pickup time the shopper chose, where the store offers them.",
    )
    hold_extended_at = models.DateTimeField(
        null=True, blank=True, help_text="When the shopper asked the store to keep it longer (once)"
    )
    hold_extension_days = models.PositiveSmallIntegerField(
        default=0, help_text="Days added to the store's holding days at the shopper's request"
    )

    class Meta(AbstractOrder.Meta):
        indexes = [models.Index(fields=["pickup_location", "status"], name="order_pickup_queue")]

    @property
    def is_pickup(self) -> bool:
        return self.pickup_location_id is not None

    @property
    def pickup_code_is_live(self) -> bool:
        """The code still opens a handover: placed, picking or ready (not collected, cancelled)."""
        return bool(self.pickup_code) and self.status in statuses.OPEN_PICKUP

    @property
    def staff_actions(self) -> tuple[str, ...]:
        """What the store's staff may do to the order now (nothing, unless it is a pickup)."""
        return statuses.staff_actions(self.status) if self.is_pickup else ()

    @property
    def is_moved_by_console(self) -> bool:
        """Pickup orders and till sales change state only through the console's services."""
        return self.is_pickup or self.channel == self.Channel.STORE


class Line(AbstractLine):
    """Oscar's order line, whose counts the database keeps in range: every line (a web, API or
    till sale) is of at least one unit, and never promises more units than it has."""

    class Meta(AbstractLine.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=MAX_UNITS),
                name="order_line_quantity_in_range",
                violation_error_message=f"A line is of 1 to {MAX_UNITS:,} units.",
            ),
            models.CheckConstraint(
                condition=Q(num_allocated__gte=0, num_allocated__lte=F("quantity")),
                name="order_line_allocated_within_quantity",
                violation_error_message="A line cannot promise more units than it has.",
            ),
        ]


from oscar.apps.order.models import *  # noqa: E402
