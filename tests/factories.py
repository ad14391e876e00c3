"""factory_boy factories for Omnishop's models (Oscar's own factories where they fit)."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

from apps.checkout import services as checkout
from apps.instore import services as instore
from apps.inventory import services
from apps.order import statuses
from apps.pickup import selectors as pickup_selectors
from apps.pickup import services as pickup
from apps.profiles import phones
from apps.shipping.methods import CollectInStore, StandardDelivery
from apps.stores.models import Location, OpeningHours, StoreStaff
from apps.stores.selectors import warehouse

Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")
Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")
Country = get_model("address", "Country")


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


# --- orders: placed and moved on through the domain services, like every door does ----------


def pick_all(order, by):
    """The picker confirms every line still to pick."""
    for line in pickup_selectors.unconfirmed_lines(order):
        pickup.confirm_line(order=order, line=line, by=by)


def online_warehouse() -> Location:
    """The shop's online warehouse (the one price source, where deliveries go from); made if
    the shop has none yet."""
    return warehouse() or LocationFactory(
        code="web", name="Online warehouse", kind=Location.Kind.WAREHOUSE
    )


def delivery_address(**fields) -> dict:
    """A UK shipping address, as the API's delivery checkout hands it to the services."""
    country, _ = Country.objects.get_or_create(
        iso_3166_1_a2="GB", defaults={"name": "United Kingdom", "is_shipping_country": True}
    )
    return {
        "first_name": "Ann",
        "last_name": "Other",
        "line1": "1 Park Row",
        "line4": "Leeds",
        "postcode": "LS1 5AB",
        "country": country,
        **fields,
    }


def _stock_for(location: Location, quantities: dict[int, int], *, restock: bool, till: bool):
    """Price every product at the warehouse (10.00 unless it has a price) and, with
    ``restock``, receive at ``location`` whatever the order needs beyond what it can have
    there now (above the safety buffer, except at the till), as a receipt in the ledger."""
    products = Product.objects.in_bulk(list(quantities))
    for product in products.values():
        stock(online_warehouse(), product, 0)
    if not restock:
        return
    records = services.ensure_stockrecords(location, quantities)
    floor = 0 if till else location.safety_buffer
    missing = {}
    for product_id, units in quantities.items():
        record = records[product_id]
        available = max(record.num_in_stock - record.num_allocated - floor, 0)
        if units > available:
            missing[product_id] = units - available
    if missing:
        services.receive(location=location, quantities=missing, note="test stock for an order")


#: The states an order of each kind can be built in.
PICKUP_STATUSES = (
    statuses.PLACED,
    statuses.PICKING,
    statuses.READY,
    statuses.COLLECTED,
    statuses.CANCELLED,
    statuses.NOT_COLLECTED,
)
DELIVERY_STATUSES = (statuses.PLACED,)
TILL_STATUSES = (statuses.COMPLETED,)


def advance(order, status: str, *, by):
    """Move a placed pickup order on to ``status`` through the pickup services, as the store's
    staff (``by``) would: start picking, confirm every line, make it ready, then hand it over
    with its code, or let its holding days run out (the shop's own sweep). Cancelled orders are
    cancelled before picking starts."""
    if status == statuses.PLACED:
        return
    if status == statuses.CANCELLED:
        pickup.cancel(order=order, by=by, reason="customer asked")
        return
    pickup.start_picking(order=order, by=by)
    if status == statuses.PICKING:
        return
    pick_all(order, by)
    pickup.mark_ready(order=order, by=by)
    if status == statuses.COLLECTED:
        pickup.hand_over(order=order, by=by, code=order.pickup_code, collected_by=order.pickup_name)
    elif status == statuses.NOT_COLLECTED:
        pickup.mark_not_collected(order=order, now=pickup_selectors.collect_by(order))


class OrderFactory(factory.Factory):
    """A real order, placed through ``apps.checkout.services`` and moved on through the pickup
    services: its stock allocated (or sold) in the ledger, its payment and pickup code recorded,
    exactly what the doors write. Nothing goes through the web checkout's pages.

    ``OrderFactory(store=leeds, lines={lamp: 2}, status=statuses.READY, user=shopper)``

    - ``channel``: ``"web"`` (default), ``"api"`` (placed by ``user``, a new account if none)
      or ``"store"`` (a till sale at ``store``, Completed, through ``instore.services.sell``);
    - ``delivery=True``: a home delivery from the online warehouse (web or api, Placed),
      to ``address`` (``delivery_address()`` by default);
    - ``status``: Placed (default), Picking, Ready for collection, Collected, Cancelled or
      Not collected for a pickup order;
    - ``store``: the pickup store or the till's (a new open store by default);
    - ``lines``: ``{product (or its pk): units}``; by default one new product, one unit;
    - ``user``: the shopper's account; ``None`` for a web guest with ``guest_email``
      (``guest@example.com``), or an anonymous till sale (a receipt to ``guest_email``);
    - ``pickup_name`` / ``pickup_phone``: who collects (the phone stored as the doors store it);
    - ``by``: the staff member who picks, hands over or sells (a new associate of the store,
      made only when needed; a superuser does too);
    - ``restock`` (default True): products get a price at the warehouse (made if missing) and
      the stock the order needs is received first where it lacks it, so any product will do;
      ``restock=False`` places against the stock as it is (a shortage raises InsufficientStock).
    """

    class Meta:
        model = Order

    channel = Order.Channel.WEB
    delivery = False
    status = factory.LazyAttribute(
        lambda o: statuses.COMPLETED if o.channel == Order.Channel.STORE else statuses.PLACED
    )
    store = factory.LazyAttribute(lambda o: None if o.delivery else StoreFactory())
    user = factory.LazyAttribute(
        lambda o: UserFactory() if o.channel == Order.Channel.API else None
    )
    guest_email = factory.LazyAttribute(
        lambda o: "guest@example.com" if o.channel == Order.Channel.WEB and o.user is None else ""
    )
    lines = None
    pickup_name = factory.LazyAttribute(
        lambda o: (o.user.get_full_name() or o.user.email) if o.user else "Ann Other"
    )
    pickup_phone = ""
    address = None
    by = None
    restock = True

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise TypeError("An order is only real once placed: call OrderFactory(...), not build.")

    @classmethod
    def _create(cls, model_class, *, channel, delivery, status, store, user, lines, by, **kwargs):
        channel = Order.Channel(channel)
        till = channel == Order.Channel.STORE
        if till and delivery:
            raise ValueError("A till sale is not delivered.")
        if delivery and store is not None:
            raise ValueError("A delivery order has no store: it goes from the online warehouse.")
        if channel == Order.Channel.API and user is None:
            raise ValueError("API orders are placed by a signed-in shopper: give a user.")
        allowed = TILL_STATUSES if till else DELIVERY_STATUSES if delivery else PICKUP_STATUSES
        if status not in allowed:
            kind = "a till sale" if till else "a delivery order" if delivery else "a pickup order"
            raise ValueError(f"{kind} can be built {' or '.join(allowed)}, not {status!r}.")
        if store is None and not delivery:
            raise ValueError("A pickup order or a till sale needs a store.")
        typed = kwargs.pop("pickup_phone")
        phone = phones.normalise(typed)  # as the web and API checkouts store it
        if typed.strip() and not phone:
            raise ValueError(f"{typed!r} is not a phone number the checkouts would take.")

        quantities = {
            getattr(product, "pk", product): units
            for product, units in (lines or {ProductFactory(): 1}).items()
        }
        online_warehouse()
        location = checkout.delivery_location() if delivery else store
        _stock_for(location, quantities, restock=kwargs["restock"], till=till)

        def staff():
            return by or StoreStaffFactory(location=store).user

        if till:
            return instore.sell(
                location=store,
                quantities=quantities,
                by=staff(),
                customer=user,
                customer_email=kwargs["guest_email"],
            )
        order = cls._place(channel, delivery, store, user, quantities, phone=phone, **kwargs)
        if status != statuses.PLACED:
            advance(order, status, by=staff())
        return Order.objects.get(pk=order.pk)

    @staticmethod
    def _place(channel, delivery, store, user, quantities, *, phone, **kwargs):
        """Place the order as its door does: the API's one-step checkouts, or the web
        checkout's own call of ``place_order`` (its basket filled and bound in one go)."""
        address = kwargs["address"]
        if delivery and address is None:
            address = delivery_address()
        if channel == Order.Channel.API:
            if delivery:
                order, _ = checkout.place_delivery_order(
                    user=user, quantities=quantities, address=address
                )
            else:
                order, _ = checkout.place_collect_order(
                    user=user,
                    store=store,
                    quantities=quantities,
                    collector_name=kwargs["pickup_name"],
                    collector_phone=phone,
                )
            return order
        location = checkout.delivery_location() if delivery else store
        basket = checkout.fill_basket(owner=user, quantities=quantities, location=location)
        return checkout.place_order(
            basket=basket,
            user=user,
            channel=Order.Channel.WEB,
            location=location,
            shipping_method=StandardDelivery() if delivery else CollectInStore(),
            shipping_address=ShippingAddress(**address) if delivery else None,
            pickup=None
            if delivery
            else checkout.Pickup(store=store, name=kwargs["pickup_name"], phone=phone),
            guest_email=kwargs["guest_email"],
        )
