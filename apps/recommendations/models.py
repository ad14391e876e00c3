"""Recommendations worked out nightly from purchases in every channel (web delivery, collect,
till) and read by the pages in one query: "Buy again" and "Recommended for you" for a shopper
who allowed personalisation, "Often bought together" for a product, and what is popular at a
store (or everywhere) for everyone else."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Recommendation(models.Model):
    class Kind(models.TextChoices):
        BUY_AGAIN = "buy_again", _("Buy again")
        FOR_YOU = "for_you", _("Recommended for you")
        BOUGHT_WITH = "bought_with", _("Often bought together")
        POPULAR = "popular", _("Popular")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    #: Whose it is (buy again, recommended for you): only shoppers who allowed personalisation.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    #: The product whose page shows it (often bought together).
    product = models.ForeignKey(
        "catalogue.Product", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    #: Where it is popular (popular; blank: in every channel).
    location = models.ForeignKey(
        "stores.Location", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    item = models.ForeignKey("catalogue.Product", on_delete=models.CASCADE, related_name="+")
    #: The reason: the product bought that led to it ("Because you bought ...").
    because = models.ForeignKey(
        "catalogue.Product", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    #: Orders behind it: bought in (buy again), bought together in (often bought together,
    #: recommended for you: summed over what the shopper bought), bought in lately (popular).
    orders = models.PositiveIntegerField(default=0)
    last_bought = models.DateTimeField(null=True, blank=True)
    rank = models.PositiveIntegerField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "rank"]
        indexes = [
            models.Index(fields=["user", "kind", "rank"], name="recommendation_user"),
            models.Index(fields=["product", "kind", "rank"], name="recommendation_product"),
            models.Index(fields=["location", "kind", "rank"], name="recommendation_location"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["buy_again", "for_you"], user__isnull=False, product__isnull=True)
                    | Q(kind="bought_with", user__isnull=True, product__isnull=False)
                    | Q(kind="popular", user__isnull=True, product__isnull=True)
                ),
                name="recommendation_for_whom",
                violation_error_message=(
                    "Buy again and recommended for you belong to a shopper, often bought "
                    "together to a product, popular to a store or everyone."
                ),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.item_id} (rank {self.rank})"
