"""Flash-sale holds (docs/holds.md): with ``OMNISHOP_BASKET_HOLD_MINUTES`` set, the units in a
collect basket are kept for its shopper at their store for that many minutes.

Why two shoppers cannot hold the same last unit: a hold is taken (or grown) only with the
store's stock record row locked (``SELECT ... FOR UPDATE``), the lock checkout's
``lock_available`` takes too, and only from what is free once every other basket's unexpired
holds are counted. Rows are locked in primary-key order, as everywhere in the stock code.

A hold never changes on hand or allocated and writes no ledger row: it only lowers what the
selectors (``ats_expression``) and ``lock_available`` let everyone else have, and only until it
expires (``expires_at`` is compared on every read, so an expired hold stops counting before
``release_expired`` deletes it). The order placed from the basket consumes its holds in the
order's transaction (``consume``).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from oscar.core.loading import get_model

from apps.stores.models import Location

from .models import BasketHold
from .selectors import holds_on

StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")


def hold_minutes() -> int:
    return settings.OMNISHOP_BASKET_HOLD_MINUTES


def limit_per_customer() -> int:
    """The most units of one product one customer may hold at once (0: no limit)."""
    return settings.OMNISHOP_HOLD_LIMIT_PER_CUSTOMER


def local_time(moment: dt.datetime, location: Location) -> str:
    """ "14:32" in the store's own time zone."""
    return timezone.localtime(moment, zoneinfo.ZoneInfo(location.timezone)).strftime("%H:%M")


@dataclass(frozen=True)
class Held:
    """What one product's hold came to: the units the basket wanted, those held (the basket
    now has that many), until when, and why fewer (``limit``: the customer's limit; else
    the units free at the store)."""

    product_id: int
    title: str
    location: Location
    wanted: int
    held: int
    expires_at: dt.datetime | None
    limit: int = 0
    #: Whether the store has any unit to sell at all, held or not (False: nothing to hold).
    stocked: bool = True

    @property
    def short(self) -> bool:
        return self.held < self.wanted

    @property
    def until(self) -> str:
        return local_time(self.expires_at, self.location) if self.expires_at else ""

    @property
    def message(self) -> str:
        """What the shopper is told after adding to their basket."""
        store = self.location.name
        if not self.short:
            return f"{self.held} × {self.title} held for you at {store} until {self.until}."
        if self.limit:
            if not self.held:
                return (
                    f"You can hold at most {self.limit} of {self.title} in this sale and "
                    "already do: nothing more was added."
                )
            return (
                f"You can hold at most {self.limit} of {self.title} in this sale: your basket "
                f"has {self.held}, held for you at {store} until {self.until}."
            )
        if not self.held:
            return (
                f"{self.title} is sold out at {store} for now (the last units are held in other "
                f"shoppers' baskets): it was not added. Holds end after {hold_minutes()} "
                "minutes, or choose another store."
            )
        return (
            f"Only {self.held} of {self.title} left at {store}: your basket has {self.held} "
            f"(not {self.wanted}), held for you until {self.until}."
        )


def held_by_others(record_ids: Iterable[int], *, holder=None, now=None) -> dict[int, int]:
    """Units of these stock records held now for baskets other than ``holder`` (a basket or
    its id; None: every basket), by record id, in one query."""
    record_ids = list(record_ids)
    if not record_ids:
        return {}
    holds = BasketHold.objects.filter(
        stockrecord_id__in=record_ids, expires_at__gt=now or timezone.now()
    )
    holder_id = getattr(holder, "pk", holder)
    if holder_id is not None:
        holds = holds.exclude(basket_id=holder_id)
    rows = (
        holds.order_by()
        .values("stockrecord_id")
        .annotate(units=Sum("quantity"))
        .values_list("stockrecord_id", "units")
    )
    return dict(rows)


def _customer_holds(basket, user) -> object:
    """Every basket's unexpired holds of this customer (their account's; a guest: this
    basket's)."""
    if user is not None and user.is_authenticated:
        return BasketHold.objects.filter(user=user)
    return BasketHold.objects.filter(basket_id=basket.pk)


def hold(
    *, basket, location: Location, wanted: Mapping[int, int], user=None, now=None
) -> list[Held]:
    """Hold for the basket, at the store, ``wanted`` units of each product (product id ->
    the units its lines will have): as many as are free there (every other basket's
    unexpired holds counted) and the limit per customer allows, with the store's stock rows
    locked. A hold already running keeps its end (adding again does not extend it); a
    product of which none can be held loses its hold. Returns one ``Held`` per product, by
    product id ([] when holds are off). The basket must be saved."""
    if not holds_on() or not wanted:
        return []
    if not basket.pk:
        raise ValueError("Save the basket before holding units for it.")
    now = now or timezone.now()
    limit = limit_per_customer()
    outcomes = []
    with transaction.atomic():
        records = {
            r.product_id: r
            for r in StockRecord.objects.select_for_update()
            .filter(partner_id=location.partner_id, product_id__in=list(wanted))
            .select_related("product")
            .order_by("pk")
        }
        others = held_by_others([r.pk for r in records.values()], holder=basket, now=now)
        mine = {
            h.stockrecord_id: h
            for h in BasketHold.objects.filter(
                basket_id=basket.pk, stockrecord_id__in=[r.pk for r in records.values()]
            )
        }
        titles = {p.pk: p.get_title() for p in Product.objects.filter(pk__in=list(wanted))}
        for pid in sorted(wanted):
            record = records.get(pid)
            on_sale = 0
            if record is not None:
                on_sale = record.num_in_stock - record.num_allocated - location.safety_buffer
            free = max(on_sale - (others.get(record.pk, 0) if record is not None else 0), 0)
            allowed = wanted[pid]
            if limit:
                elsewhere = (
                    _customer_holds(basket, user)
                    .filter(stockrecord__product_id=pid, expires_at__gt=now)
                    .exclude(basket_id=basket.pk, stockrecord__partner_id=location.partner_id)
                    .aggregate(units=Sum("quantity"))["units"]
                    or 0
                )
                allowed = min(allowed, max(limit - elsewhere, 0))
            units = min(allowed, free)
            current = mine.get(record.pk) if record is not None else None
            expires_at = None
            if units == 0:
                if current is not None:
                    current.delete()
            else:
                running = current is not None and current.expires_at > now
                expires_at = (
                    current.expires_at if running else now + dt.timedelta(minutes=hold_minutes())
                )
                BasketHold.objects.update_or_create(
                    basket_id=basket.pk,
                    stockrecord=record,
                    defaults={
                        "quantity": units,
                        "expires_at": expires_at,
                        "user": user if user is not None and user.is_authenticated else None,
                    },
                )
            outcomes.append(
                Held(
                    product_id=pid,
                    title=titles.get(pid, str(pid)),
                    location=location,
                    wanted=wanted[pid],
                    held=units,
                    expires_at=expires_at,
                    limit=limit if allowed < wanted[pid] and allowed <= free else 0,
                    stocked=on_sale > 0,
                )
            )
    return outcomes


def hold_basket(*, basket, location: Location, user=None, now=None) -> list[Held]:
    """Hold every line of the basket at the store (after the shopper changed quantities): as
    ``hold``, each product's lines cut to what is held (removed at none; a product the store
    has none of at all is left for delivery), and the holds of products no longer in the
    basket given up."""
    if not holds_on() or not basket.pk:
        return []
    with transaction.atomic():
        lines = list(basket.lines.order_by("pk"))
        wanted = basket_quantities_of(lines)
        BasketHold.objects.filter(basket_id=basket.pk).exclude(
            stockrecord__product_id__in=list(wanted)
        ).delete()
        outcomes = hold(basket=basket, location=location, wanted=wanted, user=user, now=now)
        cut = [held for held in outcomes if held.short and held.stocked]
        for held in cut:
            _cut_lines([line for line in lines if line.product_id == held.product_id], held.held)
        if cut:
            basket._lines = None  # Oscar's cache of the lines: read them again
            basket.reset_offer_applications()
    return outcomes


def move_to(*, basket, location: Location, user=None, now=None) -> list[Held]:
    """The shopper chose another store to collect from: the basket's holds at other stores end
    (their units go back on sale at once) and its units are held here, as many as are free;
    its lines are left as they are (the basket says what this store lacks)."""
    if not holds_on() or not basket.pk:
        return []
    with transaction.atomic():
        BasketHold.objects.filter(basket_id=basket.pk).exclude(
            stockrecord__partner_id=location.partner_id
        ).delete()
        wanted = basket_quantities_of(basket.lines.all())
        return hold(basket=basket, location=location, wanted=wanted, user=user, now=now)


def basket_quantities_of(lines) -> dict[int, int]:
    units: dict[int, int] = {}
    for line in lines:
        units[line.product_id] = units.get(line.product_id, 0) + line.quantity
    return units


def _cut_lines(lines: list, units: int) -> None:
    """Leave ``units`` in these lines of one product, taking from the newest first."""
    keep = units
    for line in lines:
        if keep >= line.quantity:
            keep -= line.quantity
        elif keep:
            line.quantity = keep
            line.save(update_fields=["quantity"])
            keep = 0
        else:
            line.delete()


def basket_holds(basket, *, location: Location | None = None, now=None) -> dict[int, BasketHold]:
    """The basket's unexpired holds (at one store when given), by product id, in one query
    (none without holds or a saved basket)."""
    if not holds_on() or basket is None or not basket.pk:
        return {}
    holds = BasketHold.objects.filter(basket_id=basket.pk, expires_at__gt=now or timezone.now())
    if location is not None:
        holds = holds.filter(stockrecord__partner_id=location.partner_id)
    return {hold.stockrecord.product_id: hold for hold in holds.select_related("stockrecord")}


def move(*, from_basket, to_basket, user=None) -> None:
    """A guest's basket merged into their account's on sign-in: its holds go with its lines
    (the larger of two holds of one product is kept, with the earlier end)."""
    if not holds_on() or not from_basket.pk or not to_basket.pk:
        return
    with transaction.atomic():
        theirs = {h.stockrecord_id: h for h in BasketHold.objects.filter(basket_id=to_basket.pk)}
        for hold in BasketHold.objects.filter(basket_id=from_basket.pk).order_by("pk"):
            kept = theirs.get(hold.stockrecord_id)
            if kept is None:
                hold.basket_id = to_basket.pk
                hold.user = user if user is not None and user.is_authenticated else None
                hold.save(update_fields=["basket", "user"])
            else:
                kept.quantity = max(kept.quantity, hold.quantity)
                kept.expires_at = min(kept.expires_at, hold.expires_at)
                kept.save(update_fields=["quantity", "expires_at"])
                hold.delete()


def consume(*, basket) -> int:
    """The order placed from the basket takes its held units (call it in the order's
    transaction): the holds end. Returns how many there were."""
    if not basket.pk:
        return 0
    deleted, _ = BasketHold.objects.filter(basket_id=basket.pk).delete()
    return deleted


def release_expired(*, now=None) -> int:
    """Delete the holds past their time (they already count for nobody). Returns how many."""
    deleted, _ = BasketHold.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def held_total(*, location: Location, product) -> int:
    """Units of the product held at the store now (every basket's), for staff and tests."""
    return (
        BasketHold.objects.filter(
            stockrecord__partner_id=location.partner_id,
            stockrecord__product_id=getattr(product, "pk", product),
            expires_at__gt=timezone.now(),
        ).aggregate(units=Sum("quantity"))["units"]
        or 0
    )
