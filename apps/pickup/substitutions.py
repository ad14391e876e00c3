"""Substitutes for short-picked units: the sale kept when the shelf is empty.

Staff short-pick a line and offer a substitute from ``candidates`` (same family, category,
attributes or kind of product, available to sell at the store, best first). The shopper answers
by a signed link within ``OMNISHOP_SUBSTITUTION_HOURS``:

- accepted: the substitute becomes a line of the order, its units allocated at the store through
  the ledger (never units promised to others: refused if they sold meanwhile), at the original's
  unit price or the substitute's own, whichever is lower, for at most the units short-picked
  (so the order never costs more than the shopper agreed to pay);
- declined, unanswered (``expire_due``, Celery beat, and whenever an offer is read) or withdrawn
  by staff: the missing units stay released and are not supplied (nor charged).

While an offer waits for its answer the order cannot be made ready (``refuse_ready_while_waiting``):
the substitute still has to be picked and bagged with it. Every step is a ``PickupEvent``.
Each write locks the order first, then the offer, so an answer and the expiry sweep (or staff
withdrawing it) cannot both close it.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from apps.checkout import order_payment
from apps.inventory import services as stock
from apps.order import statuses
from apps.order.links import absolute

from . import reasons, services
from .models import PickupEvent, Substitution

logger = logging.getLogger(__name__)

Line = get_model("order", "Line")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
Selector = get_class("partner.strategy", "Selector")
Kind = PickupEvent.Kind
Status = Substitution.Status

#: How many substitutes the console proposes for a line.
MAX_CANDIDATES = 8
#: The widest pool of related products scored for a line (the best are kept).
POOL = 200

_SIGNER = signing.Signer(salt="apps.pickup.substitution-answer")

#: The event each way an offer closes records (the line's missing units not supplied).
CLOSED_KIND = {
    Status.DECLINED: Kind.SUB_DECLINED,
    Status.EXPIRED: Kind.SUB_EXPIRED,
    Status.WITHDRAWN: Kind.SUB_WITHDRAWN,
}
SOLD_OUT = "Sold out before the customer accepted"
BY_STAFF = "Withdrawn by the store"
ORDER_CLOSED = "The order was closed"


class SubstitutionError(services.PickupError):
    """An offer or an answer that was refused (the message says why)."""


class BadLink(SubstitutionError):
    """A link to answer an offer that we did not sign, or that was altered."""


class AnswerRefused(SubstitutionError):
    """The offer is no longer open: answered, ran out of time, withdrawn or sold out."""


def hours() -> int:
    return settings.OMNISHOP_SUBSTITUTION_HOURS


# --- reads ----------------------------------------------------------------------------------


@dataclass
class Candidate:
    """A product staff may offer instead of a short-picked line, and why it is proposed."""

    product: object
    available: int  # units available to sell at the store
    price: Decimal  # its own unit price
    charged: Decimal  # what the shopper would pay a unit: never above the original's
    score: int = 0
    why: list = field(default_factory=list)


def _price(strategy, product) -> tuple[Decimal, Decimal] | None:
    """(incl. tax, excl. tax) unit price of a product from the shop's one price source."""
    price = strategy.fetch_for_product(product).price
    if not price.exists:
        return None
    return price.incl_tax, price.excl_tax


def _family(product) -> dict:
    """What makes another product a fitting substitute: its parent, categories, class and
    attribute values (a child's categories and class are its parent's)."""
    base = product.parent if product.is_child else product
    return {
        "parent": product.parent_id,
        "categories": set(base.categories.values_list("pk", flat=True)),
        "class": base.product_class_id,
        "attributes": {
            (value.attribute_id, str(value.value))
            for value in product.attribute_values.select_related("attribute")
        },
    }


def candidates(*, line, store, limit: int = MAX_CANDIDATES) -> list[Candidate]:
    """Products to offer instead of ``line``'s, best first: available to sell at ``store``
    (above its safety buffer), priced, and of the same family (variants of one parent), then
    sharing a category, attribute values or the product class. Ties go to the price nearest
    the original's, then to the most units in stock."""
    original = line.product
    if original is None:
        return []
    family = _family(original)
    related = Q(categories__in=family["categories"]) | Q(
        parent__categories__in=family["categories"]
    )
    if family["parent"]:
        related |= Q(parent_id=family["parent"])
    if family["attributes"]:
        related |= Q(attribute_values__attribute_id__in={a for a, _ in family["attributes"]})
    related |= Q(product_class_id=family["class"]) | Q(parent__product_class_id=family["class"])
    in_stock = StockRecord.objects.filter(
        partner_id=store.partner_id,
        num_in_stock__gt=F("num_allocated") + store.safety_buffer,
    )
    available = dict(in_stock.values_list("product_id", F("num_in_stock") - F("num_allocated")))
    pool = (
        Product.objects.filter(related, pk__in=in_stock.values("product_id"), is_public=True)
        .exclude(pk=original.pk)
        .exclude(structure=Product.PARENT)
        .select_related("parent")
        .prefetch_related("categories", "parent__categories", "attribute_values__attribute")
        .distinct()
        .order_by("pk")[:POOL]
    )
    strategy = Selector().strategy()
    original_price = line.unit_price_incl_tax
    found = []
    for product in pool:
        price = _price(strategy, product)
        if price is None:
            continue
        base = product.parent if product.is_child else product
        why, score = [], 0
        if family["parent"] and product.parent_id == family["parent"]:
            why.append("same family")
            score += 8
        if {c.pk for c in base.categories.all()} & family["categories"]:
            why.append("same category")
            score += 4
        shared = family["attributes"] & {
            (value.attribute_id, str(value.value)) for value in product.attribute_values.all()
        }
        if shared:
            why.append(f"{len(shared)} attribute{'s' if len(shared) > 1 else ''} alike")
            score += 2 * len(shared)
        if base.product_class_id == family["class"]:
            why.append("same kind")
            score += 1
        found.append(
            Candidate(
                product=product,
                available=available[product.pk] - store.safety_buffer,
                price=price[0],
                charged=min(price[0], original_price),
                score=score,
                why=why,
            )
        )
    found.sort(
        key=lambda c: (-c.score, abs(c.price - original_price), -c.available, c.product.title)
    )
    return found[:limit]


def offers(order) -> list[Substitution]:
    """Every substitute offered on the order, oldest first, with their products and lines."""
    return list(order.substitutions.select_related("product", "line", "new_line"))


def waiting(order) -> list[Substitution]:
    """Offers still waiting for the shopper's answer."""
    return [offer for offer in offers(order) if offer.is_open]


def answer_token(offer: Substitution) -> str:
    return _SIGNER.sign(str(offer.pk))


def answer_url(offer: Substitution) -> str:
    """The shopper's page to accept or decline (absolute, for e-mails and texts)."""
    return absolute(reverse("pickup:substitute", args=[answer_token(offer)]))


def offer_for_token(token: str) -> Substitution:
    """The offer a signed link names (BadLink if we did not sign it or it was altered)."""
    try:
        pk = _SIGNER.unsign(token)
    except signing.BadSignature as exc:
        raise BadLink("This link is not one we sent, or it was altered.") from exc
    offer = (
        Substitution.objects.select_related("order__pickup_location", "product", "line", "new_line")
        .filter(pk=int(pk))
        .first()
    )
    if offer is None:
        raise BadLink("This offer no longer exists.")
    return offer


def message_context(event) -> dict:
    """What the shopper's message about an offer needs beside the event: the offer, its link
    and the time to answer by (nothing for other events)."""
    if event.kind != Kind.SUB_OFFERED:
        return {}
    offer = Substitution.objects.select_related("product", "line").get(
        pk=event.detail["substitution"]
    )
    return {"substitution": offer, "answer_url": answer_url(offer), "answer_by": offer.expires_at}


def too_late_to_ask(event) -> bool:
    """An offer's message not yet sent (a broker or provider was down) whose offer is closed
    meanwhile: the shopper can no longer answer, so it is never sent."""
    if event.kind != Kind.SUB_OFFERED:
        return False
    return not Substitution.objects.filter(
        pk=event.detail.get("substitution"), status=Status.OFFERED
    ).exists()


def closed_message(offer: Substitution) -> str:
    """Why an offer can no longer be answered, in the shopper's words."""
    if offer.status == Status.ACCEPTED:
        return "You accepted this substitute already: it is on your order."
    if offer.status == Status.DECLINED:
        return "You declined this substitute already: the missing item is off your order and you will not pay for it."
    if offer.status == Status.EXPIRED:
        return "The time to answer ran out, so the missing item is off your order and you will not pay for it."
    if offer.closed_reason == SOLD_OUT:
        return "Sorry: the substitute sold out meanwhile. The missing item is off your order and you will not pay for it."
    if offer.closed_reason == ORDER_CLOSED:
        return "This order is closed, so the offer is too."
    return "The store withdrew this offer: the missing item is off your order and you will not pay for it."


# --- writes ---------------------------------------------------------------------------------


def _units(value, *, most: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        raise SubstitutionError(f"{what}: 1 to {most}, not {value!r}.")
    return value


def _offer(*, order, line, short_quantity: int, product, quantity: int, by, now) -> Substitution:
    """Offer ``quantity`` of ``product`` for units just short-picked from ``line`` (the order
    locked by the caller)."""
    store = order.pickup_location
    quantity = _units(quantity, most=short_quantity, what="Offer as many units as are missing")
    product = Product.objects.filter(pk=getattr(product, "pk", product)).first()
    if product is None or product.pk == line.product_id:
        raise SubstitutionError("Choose another product to offer.")
    if product.is_parent or not product.is_public:
        raise SubstitutionError(f"{product.get_title()} cannot be sold on its own.")
    if line.substitutions.filter(status=Status.OFFERED).exists():
        raise SubstitutionError(f"{line.title} already has a substitute waiting for an answer.")
    price = _price(Selector().strategy(), product)
    if price is None:
        raise SubstitutionError(f"{product.get_title()} has no price.")
    record = StockRecord.objects.filter(partner_id=store.partner_id, product=product).first()
    left = max(record.num_in_stock - record.num_allocated - store.safety_buffer, 0) if record else 0
    if left < quantity:
        raise SubstitutionError(
            f"Only {left} of {product.get_title()} can be sold at {store.name}, not {quantity}."
        )
    incl, excl = price
    if incl > line.unit_price_incl_tax:  # never more than the shopper agreed to pay a unit
        incl, excl = line.unit_price_incl_tax, line.unit_price_excl_tax
    offer = Substitution.objects.create(
        order=order,
        line=line,
        short_quantity=short_quantity,
        product=product,
        quantity=quantity,
        unit_price_incl_tax=incl,
        unit_price_excl_tax=excl,
        offered_by=by if by is not None and by.is_authenticated else None,
        offered_at=now,
        expires_at=now + dt.timedelta(hours=hours()),
    )
    services._record(
        order,
        by=by,
        kind=Kind.SUB_OFFERED,
        line=line,
        quantity=quantity,
        created_at=now,
        detail={
            "substitution": offer.pk,
            "product": product.get_title(),
            "unit_price": str(incl),
            "expires_at": offer.expires_at.isoformat(),
        },
    )
    return offer


@transaction.atomic
def short_pick_and_offer(
    *,
    order,
    line,
    quantity: int,
    by,
    substitute,
    substitute_quantity: int,
    reason: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> Substitution:
    """Short-pick ``quantity`` of ``line`` and offer ``substitute_quantity`` of ``substitute``
    instead, in one transaction (a refused offer leaves the line as it was). The order stays
    open for the answer even when nothing else is left on it."""
    order = services.short_pick(
        order=order, line=line, quantity=quantity, by=by, reason=reason, note=note, keep_open=True
    )
    line = order.lines.get(pk=line.pk)
    return _offer(
        order=order,
        line=line,
        short_quantity=quantity,
        product=substitute,
        quantity=substitute_quantity,
        by=by,
        now=now or timezone.now(),
    )


def _lock(offer: Substitution, *, by=None):
    """The offer's order, then the offer, locked in that order (every write takes them so)."""
    order = services.lock_pickup_order(offer.order_id, by=by)
    offer = (
        Substitution.objects.select_for_update(of=("self",))
        .select_related("product", "line")
        .get(pk=offer.pk)
    )
    return order, offer


def _close(order, offer: Substitution, status: str, *, now, by=None, why: str = "") -> None:
    """Close an open offer without a substitute: the missing units stay off the order, not
    supplied (nor charged). An order left with nothing to pick is cancelled, as a short pick
    of everything is."""
    offer.status, offer.closed_reason = status, why
    offer.answered_at = now if status == Status.DECLINED else None
    offer.save(update_fields=["status", "closed_reason", "answered_at"])
    detail = {
        "substitution": offer.pk,
        "product": offer.product.get_title(),
        "not_supplied": offer.short_quantity,
    }
    if why:
        detail["reason"] = why
    services._record(
        order,
        by=by,
        kind=CLOSED_KIND[status],
        line=offer.line,
        quantity=offer.short_quantity,
        created_at=now,
        detail=detail,
    )
    if order.status == statuses.PICKING and not any(
        line.num_allocated for line in order.lines.all()
    ):
        services.settle_payment(order_payment.call_off, order=order)  # nothing is charged
        services._move(
            order, statuses.CANCELLED, by=by, kind=Kind.CANCELLED, detail=reasons.NOTHING_LEFT
        )


def _supply(order, offer: Substitution, *, now) -> None:
    """The accepted substitute becomes a line of the order, its units allocated at the store
    (InsufficientStock if they are gone, and nothing is kept)."""
    store, original = order.pickup_location, offer.line
    record = StockRecord.objects.filter(partner_id=store.partner_id, product=offer.product).first()
    total_incl = offer.unit_price_incl_tax * offer.quantity
    total_excl = offer.unit_price_excl_tax * offer.quantity
    line = Line(
        order=order,
        partner_id=store.partner_id,
        partner_name=original.partner_name,
        partner_sku=record.partner_sku if record else (offer.product.upc or str(offer.product.pk)),
        stockrecord=record,
        product=offer.product,
        title=offer.product.get_title(),
        upc=offer.product.upc,
        quantity=offer.quantity,
        line_price_incl_tax=total_incl,
        line_price_excl_tax=total_excl,
        line_price_before_discounts_incl_tax=total_incl,
        line_price_before_discounts_excl_tax=total_excl,
        unit_price_incl_tax=offer.unit_price_incl_tax,
        unit_price_excl_tax=offer.unit_price_excl_tax,
        tax_code=original.tax_code,
        status=original.status,
    )
    stock.allocate_added_line(order=order, location=store, line=line)
    # The order's total counts the substitute (its price is within what the missing units
    # cost, so what is charged at handover stays within what was authorised).
    order.total_incl_tax += total_incl
    order.total_excl_tax += total_excl
    order.save(update_fields=["total_incl_tax", "total_excl_tax"])
    offer.status, offer.answered_at, offer.new_line = Status.ACCEPTED, now, line
    offer.save(update_fields=["status", "answered_at", "new_line"])
    services._record(
        order,
        by=None,
        kind=Kind.SUB_ACCEPTED,
        line=line,
        quantity=offer.quantity,
        created_at=now,
        detail={
            "substitution": offer.pk,
            "product": line.title,
            "for_line": original.pk,
            "for_title": original.title,
            "unit_price": str(offer.unit_price_incl_tax),
        },
    )


def answer(*, offer: Substitution, accept: bool, now: dt.datetime | None = None) -> Substitution:
    """The shopper's answer by the signed link (the link is the key: no sign-in). Once only;
    after the time to answer, the offer expires instead; a substitute sold out meanwhile is
    withdrawn. Each refusal raises AnswerRefused after what it closed has committed."""
    now = now or timezone.now()
    refused = ""
    with transaction.atomic():
        order, offer = _lock(offer)
        if not offer.is_open:
            refused = closed_message(offer)
        elif order.status != statuses.PICKING:
            _close(order, offer, Status.WITHDRAWN, now=now, why=ORDER_CLOSED)
            refused = closed_message(offer)
        elif now >= offer.expires_at:
            _close(order, offer, Status.EXPIRED, now=now)
            refused = closed_message(offer)
        elif not accept:
            _close(order, offer, Status.DECLINED, now=now)
        else:
            try:
                _supply(order, offer, now=now)
            except stock.InsufficientStock:
                offer.refresh_from_db()
                _close(order, offer, Status.WITHDRAWN, now=now, why=SOLD_OUT)
                refused = closed_message(offer)
    if refused:
        raise AnswerRefused(refused)
    return offer


@transaction.atomic
def withdraw(*, offer: Substitution, by, now: dt.datetime | None = None) -> Substitution:
    """Staff take the offer back (e.g. the order must be ready now): not supplied."""
    order, offer = _lock(offer, by=by)
    if not offer.is_open:
        raise SubstitutionError(f"This offer is {offer.get_status_display().lower()} already.")
    _close(order, offer, Status.WITHDRAWN, now=now or timezone.now(), by=by, why=BY_STAFF)
    return offer


def expire(*, offer: Substitution, now: dt.datetime | None = None) -> bool:
    """Close one offer whose time to answer is over (True if this call closed it): the
    missing units are not supplied; an offer on an order closed meanwhile is withdrawn."""
    now = now or timezone.now()
    with transaction.atomic():
        order, offer = _lock(offer)
        if not offer.is_open or now < offer.expires_at:
            return False
        if order.status == statuses.PICKING:
            _close(order, offer, Status.EXPIRED, now=now)
        else:
            _close(order, offer, Status.WITHDRAWN, now=now, why=ORDER_CLOSED)
    return True


def expire_due(*, now: dt.datetime | None = None, order=None) -> int:
    """Close every offer past its time to answer (of one order, when it is read), each in its
    own transaction; returns how many this call closed."""
    now = now or timezone.now()
    due = Substitution.objects.filter(status=Status.OFFERED, expires_at__lte=now)
    if order is not None:
        due = due.filter(order=order)
    closed = 0
    for offer in due.order_by("expires_at", "pk"):
        closed += expire(offer=offer, now=now)
    return closed


def refuse_ready_while_waiting(order, *, now: dt.datetime | None = None) -> None:
    """Refuse (PickupError) to make a locked order ready while a substitute waits for the
    shopper's answer: it would have to be picked and bagged with the order."""
    now = now or timezone.now()
    for offer in order.substitutions.filter(status=Status.OFFERED).select_related("product"):
        if offer.expires_at > now:
            local = timezone.localtime(offer.expires_at, offer_timezone(order))
            raise SubstitutionError(
                f"Waiting for the customer's answer about {offer.product.get_title()} until "
                f"{local:%H:%M}: make the order ready once they answer, or withdraw the offer."
            )
    if expire_due(now=now, order=order):
        order.refresh_from_db(fields=["status"])
        services.require(order, "ready")


def offer_timezone(order):
    return zoneinfo.ZoneInfo(order.pickup_location.timezone)
