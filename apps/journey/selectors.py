"""The collect journey in numbers, per store or for the whole shop, over a span of days (the
shop's calendar): the funnel from a product page to the counter, the channel mix by week, when
orders were ready against the time promised, the time at the counter and the attach rate.
Reads only; a fixed number of queries for any span and any number of stores."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncWeek
from django.utils import timezone
from oscar.core.loading import get_model

from apps.instore.models import TillSale
from apps.order import statuses
from apps.pickup.models import PickupEvent
from apps.stores.models import Location

from .models import StepCount

Order = get_model("order", "Order")
Kind = PickupEvent.Kind

#: A till sale by the customer at the store this close to a collection (before or after the
#: handover) counts as bought with it.
ATTACH_WINDOW = dt.timedelta(minutes=30)

#: Minutes ready after the promised time (negative: before it), in bands: (label, upper
#: bound, included: ready exactly on the promise is on time).
READY_BANDS = [
    ("Early by over 30 min", -30),
    ("On time, or early by up to 30 min", 0),
    ("Late by up to 30 min", 30),
    ("Late by 30 min to 2 h", 120),
    ("Late by over 2 h", None),
]
#: Minutes from "I'm here" to the handover, in bands: (label, upper bound, not included).
COUNTER_BANDS = [
    ("Under 2 min", 2),
    ("2 to 5 min", 5),
    ("5 to 10 min", 10),
    ("10 to 20 min", 20),
    ("20 min or more", None),
]


@dataclass
class Funnel:
    """The collect funnel: storefront steps counted in the span, then the collect orders
    placed in the span and how far each has got."""

    viewed: int = 0
    added: int = 0
    checkouts: int = 0
    ready: int = 0
    collected: int = 0
    not_collected: int = 0
    cancelled: int = 0

    def steps(self) -> list[tuple[str, int]]:
        return [
            ("Product viewed with availability", self.viewed),
            ("Added to basket", self.added),
            ("Collect checkout", self.checkouts),
            ("Ready for collection", self.ready),
            ("Collected", self.collected),
            ("Not collected", self.not_collected),
        ]


@dataclass
class Week:
    start: dt.date
    delivery: int | None = 0  # None for one store: a delivery has no store
    collect: int = 0
    till: int = 0

    @property
    def label(self) -> str:
        return f"w/c {self.start.day} {self.start:%b %Y}"


@dataclass
class Bands:
    """Measurements (in minutes) counted in bands, with their median."""

    labels: list[str]
    counts: list[int]
    median: float | None = None
    measured: int = 0

    def rows(self) -> list[tuple[str, int]]:
        return list(zip(self.labels, self.counts, strict=True))


@dataclass
class Attach:
    collections: int = 0
    #: Collections by a customer with an account: only those can be matched to a till sale.
    known_customer: int = 0
    attached: int = 0
    attached_sales: Decimal = Decimal("0.00")

    @property
    def rate_percent(self) -> float | None:
        return round(100 * self.attached / self.known_customer, 1) if self.known_customer else None


@dataclass
class JourneyFigures:
    store: Location | None
    start: dt.date
    end: dt.date
    funnel: Funnel = field(default_factory=Funnel)
    weeks: list[Week] = field(default_factory=list)
    ready: Bands | None = None
    on_time: int = 0
    counter: Bands | None = None
    attach: Attach = field(default_factory=Attach)

    @property
    def on_time_percent(self) -> float | None:
        made = self.ready.measured if self.ready else 0
        return round(100 * self.on_time / made, 1) if made else None

    @property
    def ready_median_words(self) -> str:
        """The median against the promise in words: "2.5 min late", "10.0 min early"."""
        median = self.ready.median if self.ready else None
        if median is None:
            return ""
        if median == 0:
            return "on the promised time"
        return f"{abs(median)} min {'late' if median > 0 else 'early'}"

    def chart_data(self) -> dict:
        """Each figure as the dashboard's charts draw it (the tables beside them say the same)."""
        series = {"Collect": [w.collect for w in self.weeks], "Till": [w.till for w in self.weeks]}
        if self.store is None:
            series = {"Delivery": [w.delivery for w in self.weeks], **series}
        return {
            "funnel": {
                "labels": [s for s, _ in self.funnel.steps()],
                "values": [n for _, n in self.funnel.steps()],
            },
            "channels": {"labels": [w.label for w in self.weeks], "series": series},
            "ready": {"labels": self.ready.labels, "values": self.ready.counts},
            "counter": {"labels": self.counter.labels, "values": self.counter.counts},
        }

    def csv_rows(self, figure: str) -> list[list]:
        """One figure as CSV rows, its header first (``FIGURES`` names them)."""
        where = self.store.code if self.store else "all"
        span = [where, self.start.isoformat(), self.end.isoformat()]
        head = ["store", "start", "end"]
        if figure == "funnel":
            return [[*head, "step", "count"]] + [[*span, s, n] for s, n in self.funnel.steps()]
        if figure == "channels":
            return [[*head, "week_starting", "delivery", "collect", "till"]] + [
                [
                    *span,
                    w.start.isoformat(),
                    "" if w.delivery is None else w.delivery,
                    w.collect,
                    w.till,
                ]
                for w in self.weeks
            ]
        if figure in ("ready", "counter"):
            bands = self.ready if figure == "ready" else self.counter
            rows = [[*head, "band", "orders"]] + [[*span, b, n] for b, n in bands.rows()]
            return rows + [[*span, "median minutes", "" if bands.median is None else bands.median]]
        if figure == "attach":
            a = self.attach
            return [
                [
                    *head,
                    "collections",
                    "by_known_customer",
                    "with_till_purchase",
                    "attach_rate_percent",
                    "attached_sales",
                ],
                [
                    *span,
                    a.collections,
                    a.known_customer,
                    a.attached,
                    "" if a.rate_percent is None else a.rate_percent,
                    a.attached_sales,
                ],
            ]
        raise ValueError(f"Unknown figure {figure!r}: one of {', '.join(FIGURES)}")


#: The figures a CSV can be asked for, by the name in its address.
FIGURES = ("funnel", "channels", "ready", "counter", "attach")


def journey_figures(*, store: Location | None, start: dt.date, end: dt.date) -> JourneyFigures:
    """Every figure for one store (or the whole shop with ``store=None``) from ``start`` to
    ``end`` (the shop's calendar): seven queries."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    figures = JourneyFigures(store=store, start=start, end=end)
    figures.funnel = funnel(store=store, start=start, end=end, since=since, until=until)
    figures.weeks = channel_mix(store=store, start=start, end=end, since=since, until=until)
    figures.ready, figures.on_time = ready_against_promise(store=store, since=since, until=until)
    figures.counter = time_at_counter(store=store, since=since, until=until)
    figures.attach = attach_rate(store=store, since=since, until=until)
    return figures


def funnel(*, store, start, end, since, until) -> Funnel:
    steps = StepCount.objects.filter(date__gte=start, date__lte=end)
    orders = Order.objects.filter(
        pickup_location__isnull=False, date_placed__gte=since, date_placed__lt=until
    )
    if store is not None:
        steps, orders = steps.filter(location=store), orders.filter(pickup_location=store)
    counted = steps.aggregate(
        viewed=Sum("count", filter=Q(kind=StepCount.Kind.VIEWED)),
        added=Sum("count", filter=Q(kind=StepCount.Kind.ADDED)),
    )
    made_ready = PickupEvent.objects.filter(order=OuterRef("pk"), kind=Kind.READY)
    placed = orders.annotate(was_ready=Exists(made_ready)).aggregate(
        checkouts=Count("pk"),
        ready=Count("pk", filter=Q(was_ready=True)),
        collected=Count("pk", filter=Q(status=statuses.COLLECTED)),
        not_collected=Count("pk", filter=Q(status=statuses.NOT_COLLECTED)),
        cancelled=Count("pk", filter=Q(status=statuses.CANCELLED)),
    )
    return Funnel(viewed=counted["viewed"] or 0, added=counted["added"] or 0, **placed)


def channel_mix(*, store, start, end, since, until) -> list[Week]:
    """Orders placed each week (Monday to Sunday) by how they were served: home delivery,
    collect, or the till (one store: its collect orders and till sales)."""
    tz = timezone.get_current_timezone()
    orders = Order.objects.filter(date_placed__gte=since, date_placed__lt=until)
    if store is not None:
        orders = orders.filter(Q(pickup_location=store) | Q(till_sale__location=store))
    till = Q(channel=Order.Channel.STORE)
    rows = (
        orders.annotate(week=TruncWeek("date_placed", tzinfo=tz))
        .values("week")
        .annotate(
            till=Count("pk", filter=till),
            collect=Count("pk", filter=Q(pickup_location__isnull=False) & ~till),
            delivery=Count("pk", filter=Q(pickup_location__isnull=True) & ~till),
        )
        .order_by("week")
    )
    monday = start - dt.timedelta(days=start.weekday())
    weeks = {}
    while monday <= end:
        weeks[monday] = Week(start=monday, delivery=None if store is not None else 0)
        monday += dt.timedelta(days=7)
    for row in rows:
        week = row["week"]
        week = week.astimezone(tz).date() if isinstance(week, dt.datetime) else week
        weeks[week].collect, weeks[week].till = row["collect"], row["till"]
        if store is None:
            weeks[week].delivery = row["delivery"]
    return list(weeks.values())


def _bands(minutes: list[float], bands, *, upper_included: bool) -> Bands:
    counts = [0] * len(bands)
    for value in minutes:
        for i, (_label, upper) in enumerate(bands):
            if upper is None or value < upper or (upper_included and value == upper):
                counts[i] += 1
                break
    median = round(statistics.median(minutes), 1) if minutes else None
    return Bands([label for label, _ in bands], counts, median, len(minutes))


def ready_against_promise(*, store, since, until) -> tuple[Bands, int]:
    """Collect orders made ready in the span: minutes between ready and the ready-by time the
    shopper was promised at checkout (negative: early), in bands; and how many were on time."""
    events = PickupEvent.objects.filter(
        kind=Kind.READY, created_at__gte=since, created_at__lt=until, order__ready_by__isnull=False
    )
    if store is not None:
        events = events.filter(order__pickup_location=store)
    late = [
        (ready - promised).total_seconds() / 60
        for ready, promised in events.values_list("created_at", "order__ready_by")
    ]
    return _bands(late, READY_BANDS, upper_included=True), sum(1 for m in late if m <= 0)


def time_at_counter(*, store, since, until) -> Bands:
    """Handovers in the span whose customer said "I'm here": minutes from the (first) arrival
    to the handover, in bands."""
    arrived = Subquery(
        PickupEvent.objects.filter(order=OuterRef("order"), kind=Kind.ARRIVED)
        .order_by("created_at")
        .values("created_at")[:1],
        output_field=DateTimeField(),
    )
    handovers = PickupEvent.objects.filter(
        kind=Kind.HANDED_OVER, created_at__gte=since, created_at__lt=until
    )
    if store is not None:
        handovers = handovers.filter(order__pickup_location=store)
    waits = [
        (handed - came).total_seconds() / 60
        for handed, came in handovers.annotate(arrived_at=arrived).values_list(
            "created_at", "arrived_at"
        )
        if came is not None and came <= handed
    ]
    return _bands(waits, COUNTER_BANDS, upper_included=False)


def attach_rate(*, store, since, until) -> Attach:
    """Collections in the span, and those whose customer (an account) also bought at that
    store's till within ``ATTACH_WINDOW`` of the handover."""
    handovers = PickupEvent.objects.filter(
        kind=Kind.HANDED_OVER, created_at__gte=since, created_at__lt=until
    )
    if store is not None:
        handovers = handovers.filter(order__pickup_location=store)
    collected = list(
        handovers.values_list("order__user_id", "order__pickup_location_id", "created_at")
    )
    found = Attach(collections=len(collected))
    known = [(user, location, at) for user, location, at in collected if user is not None]
    found.known_customer = len(known)
    if not known:
        return found
    sales = TillSale.objects.filter(
        order__user__in=handovers.filter(order__user__isnull=False).values("order__user"),
        location_id__in={location for _, location, _ in known},
        created_at__gte=since - ATTACH_WINDOW,
        created_at__lt=until + ATTACH_WINDOW,
    ).values_list("pk", "order__user_id", "location_id", "created_at", "order__total_incl_tax")
    by_customer: dict[tuple[int, int], list] = {}
    for pk, user, location, at, total in sales:
        by_customer.setdefault((user, location), []).append((pk, at, total))
    counted_sales = {}
    for user, location, handed in known:
        near = [
            (pk, total)
            for pk, at, total in by_customer.get((user, location), [])
            if abs(at - handed) <= ATTACH_WINDOW
        ]
        if near:
            found.attached += 1
            counted_sales.update(near)
    found.attached_sales = sum(counted_sales.values(), Decimal("0.00")).quantize(Decimal("0.01"))
    return found
