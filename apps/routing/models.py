"""What routing keeps: each route's transfer time, and why each order's units come from where
they do."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RouteLeadTime(models.Model):
    """How many days a transfer takes from one location to another (without a row:
    ``ROUTING_TRANSFER_DAYS``)."""

    source = models.ForeignKey(
        "stores.Location", on_delete=models.CASCADE, related_name="lead_times_out"
    )
    destination = models.ForeignKey(
        "stores.Location", on_delete=models.CASCADE, related_name="lead_times_in"
    )
    days = models.PositiveSmallIntegerField(
        _("days on the way"), validators=[MaxValueValidator(60)]
    )

    class Meta:
        ordering = ["source", "destination"]
        constraints = [
            models.UniqueConstraint(fields=["source", "destination"], name="one_lead_time_a_route"),
            models.CheckConstraint(
                condition=~Q(source=F("destination")),
                name="lead_time_between_two_locations",
                violation_error_message="A route needs two different locations.",
            ),
            models.CheckConstraint(
                condition=Q(days__lte=60),
                name="lead_time_at_most_60_days",
                violation_error_message="A route takes at most 60 days.",
            ),
        ]

    def __str__(self):
        return f"{self.source} -> {self.destination}: {self.days} days"


class RoutingDecision(models.Model):
    """One source of one part of an order's route: which rule picked which location for
    which lines, and why. A part is where the shopper collects (or it is sent from); its units
    come from the shelf there or, by ``transfer``, from another location."""

    order = models.ForeignKey(
        "order.Order", on_delete=models.CASCADE, related_name="routing_decisions"
    )
    part = models.PositiveSmallIntegerField(default=1)
    policy = models.CharField(max_length=64)
    rule = models.CharField(max_length=64)
    location = models.ForeignKey(
        "stores.Location",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Where the part is collected (or sent from)",
    )
    source = models.ForeignKey(
        "stores.Location",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Where its units are taken from",
    )
    #: [{"line": order line id, "product": id, "title": ..., "units": n}]
    lines = models.JSONField(default=list)
    reason = models.CharField(max_length=255)
    transfer = models.ForeignKey(
        "inventory.Transfer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="routing_decisions",
    )
    lead_days = models.PositiveSmallIntegerField(default=0)
    ready_by = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order", "part", "pk"]

    def __str__(self):
        return f"{self.order_id} part {self.part}: {self.rule} at {self.source_id}"

    @property
    def ships_to_store(self) -> bool:
        return self.source_id != self.location_id
