"""Checkout's rules: which stores can take a basket, binding lines, allocating it, and placing a
collect order in one step for the API."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from oscar.core.loading import get_class, get_model

from apps.inventory import services as stock
from apps.inventory.selectors import availability
from apps.inventory.services import ensure_stockrecords
from apps.order import pickup_codes
from apps.shipping.methods import CollectInStore, StandardDelivery
from apps.stores.hours import ready_time
from apps.stores.models import Location
from apps.stores.selectors import StoreResult, find_stores

from .models import ApiCheckout
from .payment import gateway

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
ShippingAddress = get_model("order", "ShippingAddress")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderDispatcher = get_class("order.utils", "OrderDispatcher")
OrderNumberGenerator = get_class("order.utils", "OrderNumberGenerator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Selector = get_class("partner.strategy", "Selector")


def basket_quantities(basket) -> dict[int, int]:
    """Units of each product in the basket (lines of one product added together)."""
    units: Counter[int] = Counter()
    for line in basket.all_lines():
        units[line.product_id] += line.quantity
    return dict(units)


def warehouse() -> Location:
    return Location.objects.get(kind=Location.Kind.WAREHOUSE)


def collect_options(basket, *, near=None, limit: int = 12) -> list[StoreResult]:
    """Click-and-collect stores for this basket, nearest first, each saying if it has it all."""
    return find_stores(
        near=near, limit=limit, quantities=basket_quantities(basket), click_and_collect_only=True
    )


def bind_basket(basket, location: Location) -> None:
    """Point every line at the location's stock record: where it will be allocated."""
    quantities = basket_quantities(basket)
    records = ensure_stockrecords(location, quantities)
    for line in basket.all_lines():
        if line.stockrecord_id != records[line.product_id].pk:
            line.stockrecord = records[line.product_id]
            line.save(update_fields=["stockrecord"])
    basket.reset_offer_applications()


def fill_basket(*, owner, products, quantities: dict[int, int], location: Location):
    """A new basket of these products, priced for the owner and bound to the location's stock
    records (for orders placed in one step: the API and the till)."""
    basket = Basket.objects.create(owner=owner)
    basket.strategy = Selector().strategy(user=owner)
    for product in products:
        basket.add_product(product, quantities[product.pk])
    bind_basket(basket, location)
    return basket


def allocate_basket(*, basket, location: Location, reference: str, by=None):
    """All the basket's units at the location, or none (raises InsufficientStock)."""
    return stock.allocate(
        location=location, quantities=basket_quantities(basket), reference=reference, by=by
    )


def release_basket(*, basket, location: Location, reference: str, by=None):
    """Give back what ``allocate_basket`` took, when the payment fails."""
    return stock.release(
        location=location,
        quantities=basket_quantities(basket),
        reference=reference,
        by=by,
        note="payment failed",
    )


@dataclass
class BasketCollectStatus:
    """Can this basket be collected at the shopper's store? Line by line, and where else."""

    store: Location
    lines: list = field(default_factory=list)  # (basket line, units available at the store)
    alternative: Location | None = None

    @property
    def all_available(self) -> bool:
        return all(units >= line.quantity for line, units in self.lines)


def basket_collect_status(basket, store: Location) -> BasketCollectStatus:
    """Each line's availability at my store; if one falls short, the nearest store with all."""
    quantities = basket_quantities(basket)
    units = availability(products=list(quantities), locations=[store])
    status = BasketCollectStatus(
        store, [(line, units.at(line.product_id, store)) for line in basket.all_lines()]
    )
    if not status.all_available:
        near = (store.latitude, store.longitude) if store.latitude is not None else None
        status.alternative = next(
            (
                o.store
                for o in collect_options(basket, near=near, limit=6)
                if o.has_everything and o.store.pk != store.pk
            ),
            None,
        )
    return status


class CheckoutRefused(Exception):
    """An order that cannot be placed as asked; nothing was written or charged."""


def place_collect_order(
    *,
    user,
    store: Location,
    quantities: dict[int, int],
    collector_name: str,
    collector_phone: str = "",
    idempotency_key: str = "",
) -> tuple[Order, bool]:
    """Place a click-and-collect order in one step, for the mobile app and other integrations.

    Allocated at the store, charged, placed in the ``api`` channel, all in one transaction: a
    shortage (InsufficientStock) or a declined payment leaves nothing behind. Returns the order
    and whether it was placed now (False: the idempotency key had already placed it).
    """
    if not (store.is_active and store.click_and_collect):
        raise CheckoutRefused(f"{store.name} does not offer click and collect.")
    return _place_api_order(
        user=user,
        location=store,
        quantities=quantities,
        shipping=CollectInStore(),
        idempotency_key=idempotency_key,
        pickup_location=store,
        pickup_code=new_pickup_code,
        ready_by=lambda: ready_time(store),
        pickup_name=collector_name,
        pickup_phone=collector_phone,
    )


def place_delivery_order(
    *, user, quantities: dict[int, int], address: dict, idempotency_key: str = ""
) -> tuple[Order, bool]:
    """Place a home-delivery order in one step (allocated at the warehouse, charged with
    delivery, ``api`` channel), with the same all-or-nothing rule as ``place_collect_order``."""
    return _place_api_order(
        user=user,
        location=warehouse(),
        quantities=quantities,
        shipping=StandardDelivery(),
        idempotency_key=idempotency_key,
        shipping_address=lambda: ShippingAddress.objects.create(**address),
    )


def _place_api_order(
    *, user, location, quantities, shipping, idempotency_key="", **order_fields
) -> tuple[Order, bool]:
    """Basket, allocation, payment and order in one transaction. ``order_fields`` are passed
    to Oscar's OrderCreator; callables among them are called once the stock is secured."""
    with transaction.atomic():
        if idempotency_key:
            # One checkout per shopper at a time, so a retry racing the first request waits
            # for it and then finds its order instead of placing a second one.
            get_user_model().objects.select_for_update().filter(pk=user.pk).first()
            previous = ApiCheckout.objects.filter(user=user, key=idempotency_key).first()
            if previous is not None:
                return previous.order, False
        if not quantities:
            raise CheckoutRefused("Add at least one product.")
        products = Product.objects.filter(pk__in=list(quantities), is_public=True)
        missing = set(quantities) - {p.pk for p in products}
        if missing:
            raise CheckoutRefused(f"No product {', '.join(map(str, sorted(missing)))}.")

        basket = fill_basket(
            owner=user, products=products, quantities=quantities, location=location
        )
        number = str(OrderNumberGenerator().order_number(basket))
        allocate_basket(basket=basket, location=location, reference=number, by=user)
        charge = shipping.calculate(basket)
        total = OrderTotalCalculator().calculate(basket, charge)
        provider = gateway()
        reference = provider.charge(
            order_number=number, amount=total.incl_tax, currency=total.currency
        )
        fields = {
            name: value() if callable(value) else value for name, value in order_fields.items()
        }
        order = OrderCreator().place_order(
            basket=basket,
            total=total,
            shipping_method=shipping,
            shipping_charge=charge,
            user=user,
            order_number=number,
            channel=Order.Channel.API,
            **fields,
        )
        source_type, _ = SourceType.objects.get_or_create(name=provider.name)
        Source.objects.create(
            order=order,
            source_type=source_type,
            currency=total.currency,
            amount_allocated=total.incl_tax,
            amount_debited=total.incl_tax,
            reference=reference,
        )
        basket.submit()
        if idempotency_key:
            ApiCheckout.objects.create(user=user, key=idempotency_key, order=order)
        transaction.on_commit(lambda: send_order_placed_email(order))
    return order, True


def new_pickup_code() -> str:
    """A pickup code no other order has."""
    for _ in range(10):
        code = pickup_codes.new_code()
        if not Order.objects.filter(pickup_code=code).exists():
            return code
    raise RuntimeError("could not draw an unused pickup code")


def send_order_placed_email(order) -> None:
    """The confirmation Oscar's checkout sends (pickup code, store, QR), for an API order."""
    OrderDispatcher().send_order_placed_email_for_user(
        order, {"user": order.user, "order": order, "lines": order.lines.all()}
    )
