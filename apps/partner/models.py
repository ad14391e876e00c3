"""Our StockRecord: one per product per location, guarded by database constraints.

Oscar's own ``allocate`` / ``consume_allocation`` / ``cancel_allocation`` are routed through
``apps.inventory.services`` so every caller, ours or Oscar's, gets the no-oversell guarantee
and writes the stock ledger.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.abstract_models import AbstractStockRecord

from apps.inventory.bounds import MAX_UNITS


class StockRecord(AbstractStockRecord):
    num_in_stock = models.PositiveIntegerField(
        _("Number in stock"), default=0, validators=[MaxValueValidator(MAX_UNITS)]
    )
    num_allocated = models.IntegerField(
        _("Number allocated"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_UNITS)],
    )
    bin_location = models.CharField(
        _("Bin location"),
        max_length=32,
        blank=True,
        default="",
        db_default="",
        help_text=_(
            "Where the product sits in this store (aisle, bay, shelf): pick lists follow it"
        ),
    )

    class Meta(AbstractStockRecord.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "product"], name="stockrecord_one_per_product_per_location"
            ),
            models.CheckConstraint(
                condition=Q(num_in_stock__gte=0, num_in_stock__lte=MAX_UNITS),
                name="stockrecord_on_hand_in_range",
                violation_error_message=f"On hand must be 0 to {MAX_UNITS:,}.",
            ),
            models.CheckConstraint(
                condition=Q(num_allocated__gte=0), name="stockrecord_allocated_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(num_allocated__lte=F("num_in_stock")),
                name="stockrecord_allocated_within_on_hand",
                violation_error_message="Allocated cannot be more than on hand.",
            ),
        ]

    def _move_through_ledger(self, service_name, quantity):
        if not self.can_track_allocations:
            return
        from apps.inventory import services

        getattr(services, service_name)(
            location=self.partner.location, quantities={self.product_id: quantity}
        )
        self.refresh_from_db(fields=["num_in_stock", "num_allocated"])

    def allocate(self, quantity):
        """Oscar's allocation, made oversell-proof and recorded in the ledger."""
        self._move_through_ledger("allocate", quantity)

    allocate.alters_data = True

    def consume_allocation(self, quantity):
        """Oscar's 'shipped' step: the units leave on hand and allocated together."""
        self._move_through_ledger("hand_over", quantity)

    consume_allocation.alters_data = True

    def cancel_allocation(self, quantity):
        self._move_through_ledger("release", quantity)

    cancel_allocation.alters_data = True


from oscar.apps.partner.models import *  # noqa: E402
