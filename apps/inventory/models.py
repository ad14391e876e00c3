"""The stock ledger: one immutable row for every change to on hand or allocated."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .bounds import MAX_UNITS

#: What a signed change of units may be: up to MAX_UNITS either way.
WITHIN_BOUNDS = [MinValueValidator(-MAX_UNITS), MaxValueValidator(MAX_UNITS)]


class StockImport(models.Model):
    """One stock feed that was applied; its idempotency key makes a re-run change nothing."""

    class Mode(models.TextChoices):
        COUNT = "on_hand", _("Full count (set on hand)")
        DELTA = "delta", _("Receipt or correction (add delta)")

    idempotency_key = models.CharField(max_length=128, unique=True, null=True, blank=True)
    checksum = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the file")
    filename = models.CharField(max_length=255, blank=True)
    mode = models.CharField(max_length=16, choices=Mode.choices)
    rows_total = models.PositiveIntegerField(default=0)
    rows_applied = models.PositiveIntegerField(default=0)
    skipped_rows = models.JSONField(default=list, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rows_applied__lte=models.F("rows_total")),
                name="stockimport_applied_within_total",
                violation_error_message="An import cannot apply more rows than it has.",
            )
        ]

    def __str__(self):
        return f"{self.filename or 'import'} ({self.rows_applied}/{self.rows_total} rows)"


class StockCount(models.Model):
    """One count of a location's shelves (console, dashboard or API): the ledger rows it made
    point at it."""

    location = models.ForeignKey(
        "stores.Location", on_delete=models.PROTECT, related_name="stock_counts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Count at {self.location} ({self.created_at:%Y-%m-%d %H:%M})"


class ImmutableRowError(Exception):
    pass


class StockMovement(models.Model):
    class Reason(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        ADJUSTMENT = "adjustment", _("Count / adjustment")
        ALLOCATION = "allocation", _("Allocation")
        RELEASE = "release", _("Release")
        HANDOVER = "handover", _("Handover")
        INSTORE_SALE = "instore_sale", _("In-store sale")
        RETURN = "return", _("Return")
        TRANSFER_OUT = "transfer_out", _("Transfer out")
        TRANSFER_IN = "transfer_in", _("Transfer in")

    stockrecord = models.ForeignKey(
        "partner.StockRecord", on_delete=models.PROTECT, related_name="movements"
    )
    location = models.ForeignKey(
        "stores.Location", on_delete=models.PROTECT, related_name="movements"
    )
    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.PROTECT, related_name="stock_movements"
    )
    on_hand_delta = models.IntegerField(default=0, validators=WITHIN_BOUNDS)
    allocated_delta = models.IntegerField(default=0, validators=WITHIN_BOUNDS)
    reason = models.CharField(max_length=16, choices=Reason.choices, db_index=True)
    order = models.ForeignKey(
        "order.Order",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stock_movements",
    )
    order_line = models.ForeignKey(
        "order.Line",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stock_movements",
    )
    stock_import = models.ForeignKey(
        StockImport, null=True, blank=True, on_delete=models.PROTECT, related_name="movements"
    )
    stock_count = models.ForeignKey(
        StockCount, null=True, blank=True, on_delete=models.PROTECT, related_name="movements"
    )
    counter_return = models.ForeignKey(
        "instore.CounterReturn",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stock_movements",
    )
    reference = models.CharField(
        max_length=64,
        blank=True,
        default="",
        db_default="",
        db_index=True,
        help_text="Order number, or another caller's reference",
    )
    transfer_id = models.UUIDField(null=True, blank=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.CharField(max_length=255, blank=True, default="", db_default="")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["location", "product", "created_at"], name="movement_loc_product")
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(on_hand_delta=0, allocated_delta=0),
                name="movement_changes_something",
                violation_error_message="A stock movement must change on hand or allocated.",
            ),
            models.CheckConstraint(
                condition=Q(on_hand_delta__gte=-MAX_UNITS, on_hand_delta__lte=MAX_UNITS),
                name="movement_on_hand_delta_in_range",
                violation_error_message=f"A movement changes on hand by at most {MAX_UNITS:,}.",
            ),
            models.CheckConstraint(
                condition=Q(allocated_delta__gte=-MAX_UNITS, allocated_delta__lte=MAX_UNITS),
                name="movement_allocated_delta_in_range",
                violation_error_message=f"A movement changes allocated by at most {MAX_UNITS:,}.",
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_reason_display()} {self.product_id}@{self.location_id}: "
            f"on hand {self.on_hand_delta:+d}, allocated {self.allocated_delta:+d}"
        )

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRowError("Stock movements are never changed: record a new one.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRowError("Stock movements are never deleted: record a new one.")

    #: What a row can point at as its cause; a row with none of these has no source.
    SOURCES = ("order_line", "counter_return", "transfer_id", "stock_count", "stock_import")

    @classmethod
    def has_source(cls) -> models.Q:
        """Rows that point at what caused them (for ``check_stock_ledger``)."""
        q = models.Q()
        for name in cls.SOURCES:
            q |= models.Q(**{f"{name}__isnull": False})
        return q


class Transfer(models.Model):
    """Units sent from one location to another: created, shipped (they leave the source's on
    hand), then received (what arrived goes on the destination's on hand); cancelled only
    before it ships. Its ``reference`` is the ``transfer_id`` of the ledger rows it writes."""

    class State(models.TextChoices):
        CREATED = "created", _("Created")
        SHIPPED = "shipped", _("In transit")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.ForeignKey(
        "stores.Location", on_delete=models.PROTECT, related_name="transfers_out"
    )
    destination = models.ForeignKey(
        "stores.Location", on_delete=models.PROTECT, related_name="transfers_in"
    )
    state = models.CharField(
        max_length=16, choices=State.choices, default=State.CREATED, db_index=True
    )
    note = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shipped_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source=models.F("destination")),
                name="transfer_between_two_locations",
                violation_error_message="A transfer needs two different locations.",
            )
        ]

    def __str__(self):
        return f"{self.number} {self.source} -> {self.destination} ({self.get_state_display()})"

    @property
    def number(self) -> str:
        return f"T{self.pk:06d}" if self.pk else "T(new)"

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines.all())

    @property
    def units_short(self) -> int:
        return sum(line.short for line in self.lines.all())


class TransferLine(models.Model):
    """One product of a transfer: the units shipped, and once received the units that arrived
    (fewer when some went missing on the way: the difference is ``short``)."""

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.PROTECT, related_name="transfer_lines"
    )
    quantity = models.PositiveIntegerField(
        _("quantity shipped"), validators=[MinValueValidator(1), MaxValueValidator(MAX_UNITS)]
    )
    quantity_received = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MAX_UNITS)]
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["transfer", "product"], name="one_line_per_product"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=MAX_UNITS),
                name="transfer_line_quantity_in_range",
                violation_error_message=f"A transfer line moves 1 to {MAX_UNITS:,} units.",
            ),
            models.CheckConstraint(
                condition=Q(quantity_received__isnull=True)
                | Q(quantity_received__gte=0, quantity_received__lte=models.F("quantity")),
                name="transfer_line_received_within_shipped",
                violation_error_message="A line cannot receive more units than were shipped.",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} x {self.product_id} on {self.transfer_id}"

    @property
    def short(self) -> int:
        """Units shipped that never arrived (0 until received)."""
        if self.quantity_received is None:
            return 0
        return self.quantity - self.quantity_received


class LowStockDigest(models.Model):
    """A store's low-stock digest for one of its days: claimed before it is sent, so a store
    gets at most one a day however often the clock runs the job."""

    location = models.ForeignKey(
        "stores.Location", on_delete=models.CASCADE, related_name="low_stock_digests"
    )
    day = models.DateField()
    alerts = models.PositiveIntegerField(default=0, help_text="Open alerts it listed")
    recipients = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "location"]
        constraints = [models.UniqueConstraint(fields=["location", "day"], name="one_digest_a_day")]

    def __str__(self):
        return f"Low-stock digest for {self.location} on {self.day}"


class BasketHold(models.Model):
    """Flash-sale mode (``OMNISHOP_BASKET_HOLD_MINUTES``): units of one product in a collect
    basket kept for its shopper at one store until ``expires_at``. They count against what
    everyone else can buy or hold there, never against the holder; past ``expires_at`` they
    count for nobody, even before the clock's job deletes the row; the order placed from the
    basket consumes them. Writes are in ``apps/inventory/holds.py`` only."""

    basket = models.ForeignKey("basket.Basket", on_delete=models.CASCADE, related_name="holds")
    stockrecord = models.ForeignKey(
        "partner.StockRecord", on_delete=models.CASCADE, related_name="holds"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="stock_holds",
        help_text="The signed-in shopper (their limit per product counts across baskets)",
    )
    quantity = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_UNITS)]
    )
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["expires_at", "pk"]
        indexes = [models.Index(fields=["stockrecord", "expires_at"], name="hold_record_expiry")]
        constraints = [
            models.UniqueConstraint(fields=["basket", "stockrecord"], name="one_hold_per_line"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=MAX_UNITS),
                name="hold_quantity_in_range",
                violation_error_message=f"A hold keeps 1 to {MAX_UNITS:,} units.",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} x record {self.stockrecord_id} for basket {self.basket_id}"
