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


class Consent(models.Model):
    """A customer's current answer for one consent channel; no row means "no" (off by default).

    ``apps.profiles.consent`` reads and changes these; every change also writes a
    ``ConsentChange`` (the history the customer and the shop can show)."""

    EMAIL = "email"
    SMS = "sms"
    PERSONALISATION = "personalisation"
    CHANNELS = [
        (EMAIL, "Marketing e-mails"),
        (SMS, "Marketing text messages"),
        (PERSONALISATION, "Recommendations from my purchase history"),
    ]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    channel = models.CharField(max_length=20, choices=CHANNELS)
    granted = models.BooleanField(default=False)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "channel"], name="one_consent_per_channel")
        ]

    def __str__(self):
        return f"{self.user_id} {self.channel}: {'yes' if self.granted else 'no'}"


class ConsentChange(models.Model):
    """One change of a consent: what, to which answer, when, and where it was given."""

    CHECKOUT = "checkout"
    TILL = "till"
    ACCOUNT = "account"
    UNSUBSCRIBE = "unsubscribe"
    SOURCES = [
        (CHECKOUT, "Checkout"),
        (TILL, "At the till"),
        (ACCOUNT, "Account page"),
        (UNSUBSCRIBE, "Unsubscribe link"),
    ]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consent_changes"
    )
    channel = models.CharField(max_length=20, choices=Consent.CHANNELS)
    granted = models.BooleanField()
    source = models.CharField(max_length=20, choices=SOURCES)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.user_id} {self.channel} -> {self.granted} ({self.source})"
