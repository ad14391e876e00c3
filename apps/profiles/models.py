"""What Oscar's user does not hold about a customer: the phone that finds them at a till."""

from django.conf import settings
from django.db import models
from phonenumber_field.modelfields import PhoneNumberField


class Profile(models.Model):
    """Oscar's account pages edit this (``AUTH_PROFILE_MODULE``) beside name and e-mail."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    phone = PhoneNumberField(
        "Mobile phone",
        blank=True,
        db_index=True,
        help_text="Staff can find your orders and receipts in our stores by this number.",
    )
    texts_ok = models.BooleanField(
        "Text me about my click-and-collect orders",
        default=True,
        help_text="When an order is ready, and a reminder before we put it back on sale.",
    )

    def __str__(self):
        return f"Profile of {self.user}"
