"""Checkout keeps one model of its own: the idempotency keys of orders placed through the API."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiCheckout(models.Model):
    """An ``Idempotency-Key`` a caller sent with an order: the same key again returns that order
    instead of placing (and charging) a second one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=64)
    order = models.OneToOneField("order.Order", on_delete=models.CASCADE)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="api_checkout_key_per_user")
        ]

    def __str__(self):
        return f"{self.key} -> order {self.order_id}"


from oscar.apps.checkout.models import *  # noqa: E402
