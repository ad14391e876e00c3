"""Reads for the counter: what a sale at the till costs, its receipt, and finding any order a
customer brings back with what its lines refund."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from oscar.core.loading import get_class, get_model

from apps.inventory.selectors import availability
from apps.order import statuses
from apps.order.selectors import phone_matches
from apps.stores.models import Location

from .errors import InstoreError
from .models import CounterReturn, TillSale

Line = get_model("order", "Line")
Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
Selector = get_class("partner.strategy", "Selector")

ZERO = Decimal("0.00")


# --- the till ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TillLine:
    """A product on the till with its quantity, what the store can sell of it, and its price
    from the shop's pricing strategy (the one the web and the order placement use)."""

    product: object
    quantity: int
    available: int
    unit_price: Decimal | None  # tax inclusive; None: the product has no price, cannot be sold
    unit_tax: Decimal

    @property
    def line_total(self) -> Decimal:
        return (self.unit_price or ZERO) * self.quantity

    @property
    def line_tax(self) -> Decimal:
        return self.unit_tax * self.quantity


@dataclass(frozen=True)
class TillCart:
    lines: list[TillLine]
    currency: str

    @property
    def total(self) -> Decimal:
        return sum((line.line_total for line in self.lines), ZERO)

    @property
    def tax(self) -> Decimal:
        return sum((line.line_tax for line in self.lines), ZERO)

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def sellable(self) -> bool:
        return bool(self.lines) and all(
            line.unit_price is not None and line.quantity <= line.available for line in self.lines
        )


def till_cart(*, quantities: dict[int, int], location: Location) -> TillCart:
    """The till's lines priced as the order will be (Oscar's strategy, as ``fill_basket``
    prices a basket), with the units this store can sell; in three queries."""
    strategy = Selector().strategy()
    products = list(
        Product.objects.filter(pk__in=[pk for pk, units in quantities.items() if units > 0])
        .prefetch_related(Prefetch("stockrecords", queryset=StockRecord.objects.order_by("pk")))
        .order_by("title", "pk")
    )
    units = availability(products=products, locations=[location])
    lines, currency = [], settings.OSCAR_DEFAULT_CURRENCY
    for product in products:
        price = strategy.fetch_for_product(product).price
        if price.exists:
            currency = price.currency
        lines.append(
            TillLine(
                product=product,
                quantity=quantities[product.pk],
                available=units.at(product, location),
                unit_price=price.incl_tax if price.exists else None,
                unit_tax=(price.tax if price.exists and price.is_tax_known else ZERO),
            )
        )
    return TillCart(lines=lines, currency=currency)


def till_receipt(*, location: Location, number: str) -> TillSale | None:
    """The sale with this order number at this store's till, with what its receipt shows."""
    return (
        TillSale.objects.select_related("order__user", "location", "user")
        .prefetch_related("order__lines")
        .filter(location=location, order__number=number)
        .first()
    )


def recorded_sale(*, location: Location, sale_key: str):
    """The order a till already recorded under this sale key, if any."""
    sale = (
        TillSale.objects.select_related("order")
        .filter(location=location, sale_key=sale_key)
        .first()
    )
    return sale.order if sale is not None else None


def receipt_lines(order) -> dict:
    """A sale's lines and totals as its receipt prints them (tax inclusive, tax per line)."""
    lines = [
        {
            "title": line.title,
            "upc": line.upc,
            "quantity": line.quantity,
            "unit_price": line.unit_price_incl_tax,
            "line_total": line.line_price_incl_tax,
            "tax": line.line_price_incl_tax - line.line_price_excl_tax,
        }
        for line in order.lines.all()
    ]
    return {
        "lines": lines,
        "units": sum(line["quantity"] for line in lines),
        "total": order.total_incl_tax,
        "tax": order.total_tax,
        "currency": order.currency,
    }


def customer_name(order) -> str:
    """Who bought it, as staff and the receipt name them: the account holder's name (or
    e-mail), a guest's e-mail, or nothing."""
    if order.user_id:
        return order.user.get_full_name() or order.user.email
    return order.guest_email


# --- returns -----------------------------------------------------------------------------------


def returnable(line) -> int:
    """Units of the line not yet brought back (reads prefetched returns when there are)."""
    return line.quantity - sum(item.quantity for item in line.counter_returns.all())


@dataclass(frozen=True)
class RefundLine:
    line: object
    quantity: int

    @property
    def unit_refund(self) -> Decimal:
        """What one unit refunds: what the customer paid for it, tax included."""
        return self.line.unit_price_incl_tax

    @property
    def refund(self) -> Decimal:
        return self.unit_refund * self.quantity


@dataclass(frozen=True)
class RefundQuote:
    order: object
    lines: list[RefundLine]
    #: Units of the order brought back before this return: confirming checks it is unchanged.
    returned_before: int = 0

    @property
    def total(self) -> Decimal:
        return sum((item.refund for item in self.lines), ZERO)

    @property
    def units(self) -> int:
        return sum(item.quantity for item in self.lines)


def refund_quote(*, order, quantities: dict[int, int]) -> RefundQuote:
    """What taking these units of the order's lines back refunds, line by line; InstoreError
    for a line not in the order or more units than are left to return."""
    lines = {line.pk: line for line in order.lines.prefetch_related("counter_returns")}
    returned_before = sum(line.quantity - returnable(line) for line in lines.values())
    items = []
    for line_id, quantity in sorted(quantities.items()):
        line = lines.get(line_id)
        if line is None:
            raise InstoreError(f"Order {order.number} has no line {line_id}.")
        left = returnable(line)
        if not 0 < quantity <= left:
            raise InstoreError(
                f"{line.title}: {quantity} cannot be returned, {left} of {line.quantity} can."
            )
        items.append(RefundLine(line=line, quantity=quantity))
    if not items:
        raise InstoreError("Enter how many units of each line come back.")
    return RefundQuote(order=order, lines=items, returned_before=returned_before)


def return_matches(text: str) -> Q:
    """Orders by number, or by the customer's e-mail, phone or full name."""
    text = text.strip()
    matches = (
        Q(number=text)
        | Q(guest_email__iexact=text)
        | Q(user__email__iexact=text)
        | Q(pickup_name__iexact=text)
    )
    first, _, last = text.partition(" ")
    if last:  # "Shona Shopper": the account holder's full name
        matches |= Q(user__first_name__iexact=first, user__last_name__iexact=last.strip())
    return matches | phone_matches(text)


def returnable_orders() -> QuerySet:
    """Orders the customer has (collected, sold at a till, dispatched) with a unit of a line
    not yet brought back, newest first."""
    returned = (
        CounterReturn.objects.filter(line=OuterRef("pk"))
        .values("line")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    lines_to_return = Line.objects.filter(order=OuterRef("pk")).filter(
        quantity__gt=Coalesce(Subquery(returned), 0)
    )
    return (
        Order.objects.filter(status__in=statuses.RETURNABLE)
        .filter(Exists(lines_to_return))
        .prefetch_related("lines__counter_returns")
        .order_by("-date_placed")
    )


def orders_for_return(text: str) -> QuerySet:
    """Returnable orders (``returnable_orders``) matching ``return_matches``."""
    if not text.strip():
        return Order.objects.none()
    return returnable_orders().filter(return_matches(text)).distinct()
