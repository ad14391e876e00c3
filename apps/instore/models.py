"""What a store's counter records: sales at the till, and returns of orders from any channel."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.inventory.bounds import MAX_UNITS


class TillSale(models.Model):
    """An order sold at a store's till: where, by whom and when."""

    order = models.OneToOneField("order.Order", on_delete=models.PROTECT, related_name="till_sale")
    location = models.ForeignKey(
        "stores.Location", on_delete=models.PROTECT, related_name="till_sales"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Till sale {self.order_id} at {self.location}"


class CounterReturn(models.Model):
    order = models.ForeignKey(
        "order.Order", on_delete=models.PROTECT, related_name="counter_returns"
    )
    line = models.ForeignKey("order.Line", on_delete=models.PROTECT, related_name="counter_returns")
    location = models.ForeignKey(
        "stores.Location", on_delete=models.PROTECT, related_name="counter_returns"
    )
    quantity = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_UNITS)]
    )
    damaged = models.BooleanField(
        default=False, help_text="Written off instead of going back on sale"
    )
    refund = models.DecimalField(max_digits=12, decimal_places=2)
    reason = models.CharField(max_length=255, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the customer was sent the return receipt"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=MAX_UNITS),
                name="counter_return_quantity_in_range",
                violation_error_message=f"A return is of 1 to {MAX_UNITS:,} units.",
            )
        ]

    def __str__(self):
        return f"{self.quantity} x {self.line.title} returned to {self.location}"
