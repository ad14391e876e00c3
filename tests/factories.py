"""factory_boy factories for Omnishop's models (Oscar's own factories where they fit)."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

from apps.inventory import services
from apps.stores.models import Location, OpeningHours, StoreStaff

Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    username = factory.SelfAttribute("email")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Tester{n}")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or "secret-pass-123")
        if create:
            obj.save(update_fields=["password"])


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"loc-{n}")
    name = factory.Sequence(lambda n: f"Location {n}")
    kind = Location.Kind.STORE
    partner = factory.LazyAttribute(
        lambda o: Partner.objects.get_or_create(code=o.code, defaults={"name": o.name})[0]
    )
    line1 = "1 High Street"
    city = "Leeds"
    postcode = "LS1 1AA"
    latitude = 53.7977
    longitude = -1.5425
    timezone = "Europe/London"


class StoreFactory(LocationFactory):
    class Meta:
        skip_postgeneration_save = True  # the hours are rows of their own

    kind = Location.Kind.STORE

    @factory.post_generation
    def hours(obj, create, extracted, **kwargs):
        """Open 09:00-17:30 every day unless told otherwise."""
        if not create:
            return
        spans = extracted if extracted is not None else dict.fromkeys(range(7), ("09:00", "17:30"))
        OpeningHours.objects.bulk_create(
            OpeningHours(
                location=obj,
                weekday=day,
                opens=dt.time.fromisoformat(o),
                closes=dt.time.fromisoformat(c),
            )
            for day, (o, c) in spans.items()
        )


class StoreStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StoreStaff

    location = factory.SubFactory(StoreFactory)
    user = factory.SubFactory(UserFactory)
    role = StoreStaff.Role.ASSOCIATE


class ProductClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_model("catalogue", "ProductClass")
        django_get_or_create = ("slug",)

    name = "Goods"
    slug = "goods"
    track_stock = True
    requires_shipping = True


class ProductFactory(factory.django.DjangoModelFactory):
    """A stock-tracked product without stock records (give it stock with ``stock``)."""

    class Meta:
        model = Product

    structure = Product.STANDALONE
    upc = factory.Sequence(lambda n: f"SKU-{n:05d}")
    title = factory.Sequence(lambda n: f"Product {n}")
    product_class = factory.SubFactory(ProductClassFactory)
    is_public = True


def stock(location: Location, product, units: int, price=Decimal("10.00")) -> StockRecord:
    """Give a product ``units`` on hand at a location, through a receipt in the ledger."""
    record, _ = StockRecord.objects.get_or_create(
        partner_id=location.partner_id,
        product=product,
        defaults={"partner_sku": product.upc or str(product.pk), "price": price},
    )
    if units:
        services.receive(location=location, quantities={product.pk: units}, note="test stock")
    record.refresh_from_db()
    return record


def bulk_pickup_orders(store: Location, n: int, status: str = "Placed", prefix: str = "Q") -> None:
    """``n`` bare pickup orders at a store in one insert (for queue sizes, not for flows)."""
    from django.contrib.sites.models import Site
    from django.utils import timezone

    Order = get_model("order", "Order")
    site = Site.objects.get_current()
    start = Order.objects.count()
    Order.objects.bulk_create(
        Order(
            number=f"{prefix}{start + i:06d}",
            site=site,
            currency="GBP",
            total_incl_tax=10,
            total_excl_tax=10,
            shipping_incl_tax=0,
            shipping_excl_tax=0,
            status=status,
            pickup_location=store,
            pickup_name=f"Customer {start + i}",
            guest_email=f"c{start + i}@example.com",
            date_placed=timezone.now(),
        )
        for i in range(n)
    )
