"""Locations: every store and the online warehouse, each one Oscar Partner."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(tz)s is not a known time zone."), params={"tz": value})


class Location(models.Model):
    """A place that holds stock. Its stock lives on the StockRecords of its ``partner``."""

    class Kind(models.TextChoices):
        STORE = "store", _("Store")
        WAREHOUSE = "warehouse", _("Online warehouse")

    partner = models.OneToOneField(
        "partner.Partner", on_delete=models.PROTECT, related_name="location"
    )
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=128)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.STORE, db_index=True)
    is_active = models.BooleanField(default=True)

    line1 = models.CharField(_("address"), max_length=255, blank=True)
    line2 = models.CharField(_("address line 2"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=128, blank=True, db_index=True)
    postcode = models.CharField(_("postcode"), max_length=16, blank=True, db_index=True)
    country = models.CharField(_("country"), max_length=2, default="GB")
    latitude = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    phone = models.CharField(max_length=32, blank=True)
    email = models.EmailField(blank=True)
    timezone = models.CharField(
        max_length=64, default=settings.TIME_ZONE, validators=[validate_timezone]
    )

    click_and_collect = models.BooleanField(_("offers click and collect"), default=True)
    lead_time_minutes = models.PositiveIntegerField(_("picking lead time (minutes)"), default=120)
    holding_days = models.PositiveSmallIntegerField(
        _("days an order waits for collection"), default=7
    )
    safety_buffer = models.PositiveIntegerField(
        _("safety buffer (units held back from sale)"), default=0
    )
    pickups_per_hour = models.PositiveSmallIntegerField(
        _("orders picked an hour"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_(
            "How many collect orders the store can pick in an hour. Set it to offer shoppers "
            "pickup times; empty: each order gets the earliest ready time instead."
        ),
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("pickup time length (minutes)"),
        default=60,
        validators=[MinValueValidator(15), MaxValueValidator(240)],
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="StoreStaff", related_name="store_locations", blank=True
    )

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="location_lat_lng")]

    def __str__(self):
        return self.name

    @property
    def is_store(self) -> bool:
        return self.kind == self.Kind.STORE

    @property
    def address_lines(self) -> list[str]:
        return [p for p in (self.line1, self.line2, self.city, self.postcode) if p]


class StoreManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Location.Kind.STORE)


class Store(Location):
    """A physical store: a Location of kind ``store``."""

    objects = StoreManager()

    class Meta:
        proxy = True


class OpeningHours(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["location", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["location", "weekday"], name="one_hours_row_per_day"),
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")), name="opens_before_closes"
            ),
        ]
        verbose_name_plural = "opening hours"

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class ClosedDay(models.Model):
    """A date the store is shut although its weekday has hours (bank holiday, stock take)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="closed_days")
    date = models.DateField()
    reason = models.CharField(max_length=128, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["location", "date"], name="one_closure_per_day")
        ]

    def __str__(self):
        return f"{self.location} closed {self.date}"


class PickupWindow(models.Model):
    """When shoppers may collect on a weekday, in store time (several a day: "10-12, 16-19").
    A store with none offers pickup times through its opening hours."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="pickup_windows")
    weekday = models.PositiveSmallIntegerField(choices=OpeningHours.Weekday.choices)
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ["location", "weekday", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts__lt=models.F("ends")), name="window_starts_before_end"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M}"


class PickupSlot(models.Model):
    """One pickup time at a store, made when its first order books it: the row two checkouts
    for the last place lock, one after the other (``apps.checkout.slots.book``)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="pickup_slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["location", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["location", "starts_at"], name="one_slot_per_time")
        ]

    def __str__(self):
        return f"{self.location} {self.starts_at:%Y-%m-%d %H:%M}"


class StoreStaff(models.Model):
    class Role(models.TextChoices):
        ASSOCIATE = "associate", _("Associate")
        MANAGER = "manager", _("Manager")

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="staff_roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="store_roles"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ASSOCIATE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["location", "user"], name="one_role_per_store")
        ]
        verbose_name_plural = "store staff"

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}) at {self.location}"


class PreferredStore(models.Model):
    """A signed-in shopper's "my store", remembered across sessions and devices."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferred_store"
    )
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.user} shops at {self.location}"
