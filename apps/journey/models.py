"""The storefront's steps of the collect journey, counted without personal data: a day, a
store, a product, a kind of step and how many times it happened. No user, e-mail, address,
session or IP is kept; the later steps (checkout, ready, collected) are read from the orders
and pickup events that already record them."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class StepCount(models.Model):
    class Kind(models.TextChoices):
        VIEWED = "viewed", _("Product viewed with the store's availability")
        ADDED = "added", _("Added to basket")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    date = models.DateField(help_text="The day, in the shop's time zone")
    location = models.ForeignKey(
        "stores.Location", on_delete=models.CASCADE, related_name="journey_counts"
    )
    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.CASCADE, related_name="journey_counts"
    )
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "date", "location", "product"], name="journey_step_count_once"
            ),
            models.CheckConstraint(condition=Q(count__gte=0), name="journey_step_count_positive"),
        ]
        indexes = [models.Index(fields=["date", "location"], name="journey_step_day_store")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.count} on {self.date}"
