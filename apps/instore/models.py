"""What a store's counter records: sales at the till, and returns of orders from any channel."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.inventory.bounds import MAX_UNITS


class TillSale(models.Model):
    """An order sold at a store's till: where, by whom, when, and how it was paid (the tender).

    Cash records what the customer handed over and the change given back; card records the
    payment terminal's reference. Sales recorded before tenders were (and the API's) have no
    tender: ``tender`` is blank."""

    class Tender(models.TextChoices):
        CASH = "cash", "Cash"
        CARD = "card", "Card"

    order = models.OneToOneField("order.Order", on_delete=models.PROTECT, related_name="till_sale")
    location = models.ForeignKey(
        "stores.Location", on_delete=models.PROTECT, related_name="till_sales"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    tender = models.CharField(max_length=8, choices=Tender.choices, blank=True)
    amount_tendered = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="What the customer gave"
    )
    change_given = models.DecimalField(
        max_digits=12, decimal_places=2, default=0, help_text="Cash handed back"
    )
    card_reference = models.CharField(
        max_length=64, blank=True, help_text="The payment terminal's reference for a card payment"
    )
    receipt_email = models.EmailField(
        blank=True, help_text="Where the e-mailed receipt goes (the customer's, or a guest's)"
    )
    receipt_sent_at = models.DateTimeField(null=True, blank=True)
    sale_key = models.CharField(
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text="The till's key for the sale being paid: a second tap of Pay records nothing",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tender="")
                | Q(tender="cash", amount_tendered__isnull=False, change_given__gte=0)
                | (Q(tender="card", change_given=0) & ~Q(card_reference="")),
                name="till_sale_tender_complete",
                violation_error_message=(
                    "Cash needs the amount given; a card payment needs the terminal reference."
                ),
            )
        ]

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
