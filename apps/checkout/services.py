"""Checkout's rules: which stores can take a basket, binding its lines to where it will be
allocated, and placing orders. ``place_order`` is the one way an order is placed, whatever the
channel: the web checkout, the API's one-step checkouts and the till all call it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from oscar.apps.checkout.mixins import OrderPlacementMixin
from oscar.apps.shipping.methods import NoShippingRequired
from oscar.core.loading import get_class, get_model

from apps.inventory import holds
from apps.inventory import services as stock
from apps.inventory.selectors import availability, basket_quantities, mark_stocked
from apps.inventory.services import ensure_stockrecords
from apps.order import pickup_codes, statuses
from apps.order.links import order_page_url
from apps.routing import services as routing
from apps.routing.policies import Route
from apps.shipping.methods import CollectInStore, StandardDelivery
from apps.stores.hours import ready_time
from apps.stores.models import Location
from apps.stores.selectors import StoreResult, find_stores, warehouse

from . import order_payment, slots
from .models import ApiCheckout

logger = logging.getLogger(__name__)

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
ShippingAddress = get_model("order", "ShippingAddress")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderDispatcher = get_class("order.utils", "OrderDispatcher")
OrderNumberGenerator = get_class("order.utils", "OrderNumberGenerator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Selector = get_class("partner.strategy", "Selector")


class CheckoutRefused(Exception):
    """An order that cannot be placed as asked; nothing was written or charged."""


def delivery_location() -> Location:
    """Where home deliveries are allocated: the online warehouse."""
    location = warehouse()
    if location is None:
        raise CheckoutRefused("This shop has no online warehouse to deliver from.")
    return location


def collect_options(basket, *, near=None, limit: int = 12) -> list[StoreResult]:
    """Click-and-collect stores for this basket, nearest first, each saying if it has it all."""
    return mark_stocked(
        find_stores(near=near, limit=limit, click_and_collect_only=True),
        quantities=basket_quantities(basket),
        holder=basket,
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


def fill_basket(*, owner, quantities: dict[int, int], location: Location, public_only: bool = True):
    """A new basket of these products, priced for the owner and bound to the location's stock
    records (for orders placed in one step: the API sells public products, the till any)."""
    if not quantities:
        raise CheckoutRefused("Add at least one product.")
    products = Product.objects.filter(pk__in=list(quantities))
    if public_only:
        products = products.filter(is_public=True)
    missing = set(quantities) - {p.pk for p in products}
    if missing:
        raise CheckoutRefused(f"No product {', '.join(map(str, sorted(missing)))}.")
    strategy = Selector().strategy(user=owner)
    unpriced = [p for p in products if not strategy.fetch_for_product(p).price.exists]
    if unpriced:
        raise CheckoutRefused(f"{unpriced[0].get_title()} has no price and cannot be sold yet.")
    basket = Basket.objects.create(owner=owner)
    basket.strategy = strategy
    for product in products:
        basket.add_product(product, quantities[product.pk])
    bind_basket(basket, location)
    return basket


# --- placing an order: one path for every channel ----------------------------------------------


@dataclass(frozen=True)
class Pickup:
    """A click-and-collect order's store and who will collect it."""

    store: Location
    name: str
    phone: str = ""
    #: The pickup time chosen, where the store offers them (``slots.pickup_slots``).
    slot: dt.datetime | None = None


@dataclass(frozen=True)
class TillPayment:
    """Paid at the store's till: no gateway, the units leave with the customer at once.
    ``reference`` is the card terminal's (the order's own TILL-<number> when none)."""

    name: str = "Till"
    reference: str = ""


def place_order(
    *,
    basket,
    user,
    channel: str,
    location: Location,
    shipping_method,
    order_number: str = "",
    shipping_address=None,
    billing_address=None,
    pickup: Pickup | None = None,
    till: TillPayment | None = None,
    guest_email: str = "",
    by=None,
    surcharges=None,
    route: Route | None = None,
    payment_method: str = "",
    pay_at_counter: bool = False,
) -> Order:
    """Place an order from a basket, all or nothing, in one transaction: the order (with its
    pickup code and ready time for a collect order), its stock (allocated at ``location``, or
    sold from it at the till: never units promised to others), the payment (the configured
    gateway, or the till) and the shopper's confirmation, sent once it commits.

    A shortage (InsufficientStock) or a declined payment (PaymentError) leaves nothing behind:
    no order, no stock change, no charge. ``by`` is the staff member at a till. ``route``
    (``apps.routing``) says where the units come from when a policy chose it: one that ships
    to the store takes them at their sources and waits for the transfers (docs/routing.md).
    The card (``payment_method``, where the gateway needs one) is authorised, not charged: see
    ``order_payment``; a collect order may be paid at the counter instead (``pay_at_counter``).
    """
    ships = route is not None and route.moves_stock
    if pickup is not None and not (pickup.store.is_active and pickup.store.click_and_collect):
        raise CheckoutRefused(f"{pickup.store.name} does not offer click and collect.")
    if pay_at_counter and pickup is None:
        raise CheckoutRefused("Only a click-and-collect order can be paid at the counter.")
    with transaction.atomic():
        # The stock first: a shopper who loses the race for the last unit gets no order at all.
        if ships:
            routing.lock_stock(route=route, holder=basket)
        else:
            stock.lock_available(
                location=location,
                quantities=basket_quantities(basket),
                for_sale_now=till is not None,
                holder=basket,  # its own flash-sale holds are its to buy
            )
        charge = shipping_method.calculate(basket)
        total = OrderTotalCalculator().calculate(basket, charge, surcharges=surcharges)
        number = order_number or str(OrderNumberGenerator().order_number(basket))
        fields = {"channel": channel}
        if pickup is not None:
            slot = _book_slot(pickup)
            fields.update(
                pickup_location=pickup.store,
                pickup_code=new_pickup_code(),
                pickup_slot=slot,
                ready_by=slot.starts_at if slot else ready_time(pickup.store),
                pickup_name=pickup.name,
                pickup_phone=pickup.phone,
            )
        if ships:
            fields.update(routing.order_fields(route))
        if till is not None:
            fields["status"] = statuses.COMPLETED
        if guest_email and user is None:
            fields["guest_email"] = guest_email
        placer, customer = OrderPlacementMixin(), user or AnonymousUser()
        order = OrderCreator().place_order(
            basket=basket,
            total=total,
            shipping_method=shipping_method,
            shipping_charge=charge,
            user=user,
            shipping_address=placer.create_shipping_address(customer, shipping_address),
            billing_address=placer.create_billing_address(customer, billing_address),
            order_number=number,
            surcharges=surcharges,
            **fields,
        )
        if till is not None:
            stock.sell_order(order=order, location=location, by=by)
            reference = till.reference or f"TILL-{number}"
            order_payment.paid_at_till(
                order=order, total=total, source=till.name, reference=reference
            )
        elif ships:
            routing.allocate(order=order, route=route, by=by or user)
        else:
            stock.allocate_order(order=order, location=location, by=by or user)
        if not ships:
            routing.record(order=order, location=location, route=route)
        basket.submit()
        holds.consume(basket=basket)  # the order took the units held for it
        if till is None:
            # Last of all: a card is authorised only once everything else is written, so a
            # failure before it leaves no hold on the shopper's card.
            order_payment.take_at_checkout(
                order=order, total=total, payment_method=payment_method, at_counter=pay_at_counter
            )
            transaction.on_commit(lambda: send_order_placed_email(order))
    return order


def _book_slot(pickup: Pickup):
    """The chosen pickup time's slot, with a place kept for this order (None: no time chosen)."""
    if pickup.slot is None:
        return None
    try:
        return slots.book(store=pickup.store, starts_at=pickup.slot)
    except slots.SlotUnavailable as refused:
        raise CheckoutRefused(str(refused)) from refused


def new_pickup_code() -> str:
    """A pickup code no other order has."""
    for _ in range(10):
        code = pickup_codes.new_code()
        if not Order.objects.filter(pickup_code=code).exists():
            return code
    raise RuntimeError("could not draw an unused pickup code")


def send_order_placed_email(order) -> None:
    """The shopper's confirmation (pickup code, store and QR for a collect order), with a link
    to the order's page on the shop's own address. A mail failure is logged: the order stands."""
    context = {
        "user": order.user,
        "order": order,
        "lines": order.lines.all(),
        # Not Oscar's ``status_url``: its template joins the Site row's domain to a path it
        # is never given; ours link ``order_url`` (absolute on SITE_SCHEME://SITE_DOMAIN) instead.
        "order_url": order_page_url(order),
    }
    try:
        OrderDispatcher().send_order_placed_email_for_user(order, context)
    except Exception:
        logger.exception("could not send the confirmation of order %s", order.number)


def cancel_delivery_order(*, order, by=None) -> Order:
    """Cancel a delivery order not yet dispatched (Oscar's dashboard): its card hold voided (a
    payment taken in full refunded) and its units back on sale at the warehouse, with the
    status, all together: a gateway failure (PaymentError) changes none of them."""
    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",)).get(pk=order.pk)
        if order.is_moved_by_console:
            raise CheckoutRefused(f"Order {order.number} is not a delivery order.")
        if statuses.CANCELLED not in order.available_statuses():
            raise CheckoutRefused(
                f"Order {order.number} is {order.status}: it cannot be cancelled."
            )
        order_payment.call_off(order=order)
        stock.release_order(order=order, location=delivery_location(), by=by, note="cancelled")
        order.set_status(statuses.CANCELLED)
    return order


# --- one-step orders for the API ---------------------------------------------------------------


def place_collect_order(
    *,
    user,
    store: Location,
    quantities: dict[int, int],
    collector_name: str,
    collector_phone: str = "",
    slot: dt.datetime | None = None,
    idempotency_key: str = "",
    payment_method: str = "",
    pay_at_counter: bool = False,
) -> tuple[Order, bool]:
    """A click-and-collect order in one step (the mobile app), in the ``api`` channel.
    Returns the order and whether it was placed now (False: the idempotency key had already
    placed it)."""
    return _place_in_one_step(
        user=user,
        location=store,
        quantities=quantities,
        shipping_method=CollectInStore(),
        idempotency_key=idempotency_key,
        pickup=Pickup(store=store, name=collector_name, phone=collector_phone, slot=slot),
        payment_method=payment_method,
        pay_at_counter=pay_at_counter,
    )


def place_delivery_order(
    *,
    user,
    quantities: dict[int, int],
    address: dict,
    idempotency_key: str = "",
    payment_method: str = "",
) -> tuple[Order, bool]:
    """A home-delivery order in one step (allocated at the warehouse, delivery charged)."""
    return _place_in_one_step(
        user=user,
        location=delivery_location(),
        quantities=quantities,
        shipping_method=StandardDelivery(),
        idempotency_key=idempotency_key,
        shipping_address=ShippingAddress(**address),
        payment_method=payment_method,
    )


def _place_in_one_step(*, user, location, quantities, idempotency_key="", **placement):
    with transaction.atomic():
        if idempotency_key:
            # One checkout per shopper at a time, so a retry racing the first request waits
            # for it and then finds its order instead of placing a second one.
            get_user_model().objects.select_for_update().filter(pk=user.pk).first()
            previous = ApiCheckout.objects.filter(user=user, key=idempotency_key).first()
            if previous is not None:
                return previous.order, False
        basket = fill_basket(owner=user, quantities=quantities, location=location)
        order = place_order(
            basket=basket, user=user, channel=Order.Channel.API, location=location, **placement
        )
        if idempotency_key:
            ApiCheckout.objects.create(user=user, key=idempotency_key, order=order)
    return order, True


def sell_at_till(
    *,
    location: Location,
    quantities: dict[int, int],
    by,
    customer=None,
    email="",
    payment: TillPayment | None = None,
):
    """A till sale: an order in the ``store`` channel, paid at the till (``payment``: how, and
    the card terminal's reference), its units sold from the store's stock at once, priced as
    the web prices them (raises InsufficientStock, nothing written)."""
    basket = fill_basket(
        owner=customer, quantities=quantities, location=location, public_only=False
    )
    return place_order(
        basket=basket,
        user=customer,
        channel=Order.Channel.STORE,
        location=location,
        shipping_method=NoShippingRequired(),
        till=payment or TillPayment(),
        guest_email=email,
        by=by,
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
    units = availability(products=list(quantities), locations=[store], holder=basket)
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
