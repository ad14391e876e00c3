"""What the pages show of the recommendations, in one query each, only products available at
the shopper's store or for delivery, each with a short reason."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import DecimalField, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from oscar.core.loading import get_model

from apps.inventory.selectors import ats_expression
from apps.profiles import consent
from apps.stores.models import Location
from apps.stores.my_store import my_store
from apps.stores.selectors import warehouse
from config.cache import kept

from .models import Recommendation
from .services import VERSION

StockRecord = get_model("partner", "StockRecord")
Kind = Recommendation.Kind
#: Products a page shows in one list.
SHOWN = 4
#: How long a product's "often bought together" ids are kept (a new version replaces them).
KEEP_IDS = 24 * 3600


@dataclass
class Suggestion:
    product: object
    reason: str
    price: object
    currency: str
    store_units: int
    delivery_units: int
    store: Location | None

    @property
    def availability(self) -> str:
        if self.store is not None and self.store_units:
            return f"In stock at {self.store.name}"
        return "Available for delivery"

    @property
    def shown(self) -> tuple:
        """What a page shows of it, as plain values (part of a kept page's key)."""
        return (
            self.product.pk,
            self.product.date_updated,
            self.reason,
            str(self.price),
            bool(self.store_units),
            bool(self.delivery_units),
        )


@dataclass
class Shelf:
    kind: str
    title: str
    items: list[Suggestion]


def _units_at(location: Location | None):
    if location is None:
        return Value(0)
    records = StockRecord.objects.filter(
        product=OuterRef("item_id"), partner_id=location.partner_id
    ).annotate(ats=ats_expression())
    return Coalesce(Subquery(records.values("ats")[:1], output_field=IntegerField()), 0)


def available(rows, store: Location | None):
    """Recommendation rows whose product is public, priced (the warehouse's record: the one
    price) and available to sell at the shopper's store or for delivery, with their units
    and price: one query."""
    online = warehouse()
    price = Subquery(
        StockRecord.objects.filter(
            product=OuterRef("item_id"), partner_id=online.partner_id if online else None
        ).values("price")[:1],
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )
    return (
        rows.filter(item__is_public=True)
        .annotate(store_units=_units_at(store), delivery_units=_units_at(online), price=price)
        .filter(price__isnull=False)
        .filter(Q(store_units__gt=0) | Q(delivery_units__gt=0))
        .select_related("item", "item__parent", "because", "because__parent")
        .order_by("kind", "rank", "pk")
    )


def _suggestion(row, reason: str, store, currency: str) -> Suggestion:
    return Suggestion(
        product=row.item,
        reason=reason,
        price=row.price,
        currency=currency,
        store_units=row.store_units,
        delivery_units=row.delivery_units,
        store=store,
    )


def _bought_reason(row) -> str:
    if row.orders > 1:
        return f"You bought it {row.orders} times"
    if row.last_bought is None:
        return "You bought it"
    return f"You bought it on {timezone.localtime(row.last_bought):%-d %b %Y}"


def _because_reason(row) -> str:
    return f"Because you bought {row.because.get_title()}" if row.because else "Picked for you"


def for_shopper(*, user, store: Location | None, currency: str, limit: int = SHOWN) -> list:
    """The signed-in shopper's lists: "Buy again" and "Recommended for you" when they allowed
    personalisation (recommended for you falls back to what is popular when their purchases
    suggest nothing), else only what is popular, said so. Two queries: the consent, the rows."""
    if user is None or not user.is_authenticated:
        return []
    personal = consent.granted(user, consent.PERSONALISATION)
    wanted = Q(kind=Kind.POPULAR, location__isnull=True)
    if store is not None:
        wanted |= Q(kind=Kind.POPULAR, location=store)
    if personal:
        wanted |= Q(kind__in=[Kind.BUY_AGAIN, Kind.FOR_YOU], user=user)
    rows = list(available(Recommendation.objects.filter(wanted), store))
    by_kind: dict[str, list] = {kind: [] for kind in Kind.values}
    for row in rows:
        by_kind[row.kind].append(row)
    at_store = [r for r in by_kind[Kind.POPULAR] if r.location_id is not None]
    popular = at_store or [r for r in by_kind[Kind.POPULAR] if r.location_id is None]
    where = f"Popular at {store.name}" if at_store else "Popular with our shoppers"

    shelves = []
    if personal:
        again = [
            _suggestion(r, _bought_reason(r), store, currency) for r in by_kind[Kind.BUY_AGAIN]
        ]
        if again:
            shelves.append(Shelf(Kind.BUY_AGAIN, "Buy again", again[:limit]))
        for_you = [
            _suggestion(r, _because_reason(r), store, currency) for r in by_kind[Kind.FOR_YOU]
        ]
        bought = {s.product.pk for s in again}
        for_you += [
            _suggestion(r, where, store, currency) for r in popular if r.item_id not in bought
        ]
        if for_you:
            shelves.append(Shelf(Kind.FOR_YOU, "Recommended for you", for_you[:limit]))
    elif popular:
        items = [_suggestion(r, where, store, currency) for r in popular[:limit]]
        shelves.append(Shelf(Kind.POPULAR, where, items))
    return shelves


def bought_with(*, product, store: Location | None, currency: str, limit: int = SHOWN) -> list:
    """Products often bought in the same order as this one, for everyone (counts over all
    shoppers, nothing personal): no query when it has none (its ids kept per version of the
    lists), else one."""
    version = VERSION.current()
    ids = kept(
        f"recommendations:bought-with:{version}:{product.pk}",
        lambda: list(
            Recommendation.objects.filter(kind=Kind.BOUGHT_WITH, product=product).values_list(
                "item_id", flat=True
            )
        ),
        KEEP_IDS,
        versions=(version,),
    )
    if not ids:
        return []
    rows = available(Recommendation.objects.filter(kind=Kind.BOUGHT_WITH, product=product), store)
    reason = f"Often bought with {product.get_title()}"
    return [_suggestion(row, reason, store, currency) for row in rows[:limit]]


def shelves_for(request) -> list[Shelf]:
    """``for_shopper`` for this request's shopper and store, read once a request; nothing for a
    visitor who is not signed in (no query)."""
    if not request.user.is_authenticated:
        return []
    if "_recommendation_shelves" not in request.__dict__:
        request._recommendation_shelves = for_shopper(
            user=request.user, store=my_store(request), currency=settings.OSCAR_DEFAULT_CURRENCY
        )
    return request._recommendation_shelves


def bought_with_for(request, product) -> list[Suggestion]:
    """``bought_with`` at this request's store, read once a request."""
    found = request.__dict__.setdefault("_often_bought_together", {})
    if product.pk not in found:
        found[product.pk] = bought_with(
            product=product, store=my_store(request), currency=settings.OSCAR_DEFAULT_CURRENCY
        )
    return found[product.pk]
