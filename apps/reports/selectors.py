"""A store's figures over a span of days, for its managers: pickups (how many, how fast, how
many never collected), till sales, counter returns and transfers. Refunds (money given back
for goods sold: counter returns and short picks) are kept apart from cancellations (orders
cancelled or not collected, and the money given back for them) in every figure. Reads only;
seven queries for any span."""

from __future__ import annotations

import datetime as dt
import statistics
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field, fields
from decimal import Decimal

from django import forms
from django.db.models import Count, DateTimeField, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from oscar.core.loading import get_model

from apps.instore.models import CounterReturn
from apps.inventory.models import Transfer, TransferLine
from apps.pickup.models import PickupEvent
from apps.stores.models import Location

Order = get_model("order", "Order")
Kind = PickupEvent.Kind
MAX_DAYS = 366
#: Pickup events counted per day, and the figure each one adds to.
COUNTED = {
    Kind.READY: "made_ready",
    Kind.HANDED_OVER: "collected",
    Kind.NOT_COLLECTED: "not_collected",
    Kind.CANCELLED: "cancelled",
}


@dataclass
class Figures:
    """One day's figures (or the span's totals, with ``date`` None)."""

    date: dt.date | None = None
    pickups_placed: int = 0
    pickup_value: Decimal = Decimal("0.00")
    made_ready: int = 0
    ready_on_time: int = 0
    collected: int = 0
    not_collected: int = 0
    cancelled: int = 0
    #: Money given back for pickup orders cancelled or not collected (not a refund of goods).
    cancellation_refunds: Decimal = Decimal("0.00")
    short_picked_units: int = 0
    short_pick_refunds: Decimal = Decimal("0.00")
    till_sales: int = 0
    till_revenue: Decimal = Decimal("0.00")
    returned_units: int = 0
    written_off_units: int = 0
    return_refunds: Decimal = Decimal("0.00")
    #: Transfers: units sent from the store, units that arrived, and units shipped to it that
    #: never arrived (recorded when it received them).
    transfer_units_shipped: int = 0
    transfer_units_received: int = 0
    transfer_units_missing: int = 0

    def add(self, other: Figures) -> None:
        for f in fields(self):
            if f.name != "date":
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def refunds(self) -> Decimal:
        """Money given back for goods: counter returns and short picks (never cancellations)."""
        return self.short_pick_refunds + self.return_refunds

    @property
    def cancellations(self) -> int:
        """Pickup orders that ended without a sale: cancelled or not collected."""
        return self.cancelled + self.not_collected

    @property
    def pickup_refunds(self) -> Decimal:
        """Everything given back on pickup orders (short picks and cancellations): the console
        API's figure of that name, kept for its clients."""
        return self.short_pick_refunds + self.cancellation_refunds

    @property
    def collect_sales(self) -> Decimal:
        return self.pickup_value

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.ready_on_time / self.made_ready) if self.made_ready else None

    @property
    def collection_rate_percent(self) -> int | None:
        ended = self.collected + self.not_collected
        return round(100 * self.collected / ended) if ended else None


#: The CSV's columns: every figure, then the two totals kept apart (refunds of goods, and
#: pickup orders cancelled or not collected).
COLUMNS = [*(f.name for f in fields(Figures)), "refunds", "cancellations"]


@dataclass
class StoreReport:
    store: Location
    start: dt.date
    end: dt.date
    days: list[Figures] = field(default_factory=list)
    total: Figures = field(default_factory=Figures)
    #: Median minutes from order placed to ready for collection, and hours from ready to handover.
    median_minutes_to_ready: float | None = None
    median_hours_to_collect: float | None = None

    def chart_data(self) -> dict:
        """The span's days as series for the page's charts (the table beside them holds the
        same numbers): sales by channel, and refunds against cancellations."""
        return {
            "labels": [f"{day.date:%a} {day.date.day} {day.date:%b}" for day in self.days],
            "sales": {
                "Click and collect": [float(day.pickup_value) for day in self.days],
                "Till": [float(day.till_revenue) for day in self.days],
            },
            "money_back": {
                "Refunds (returns and short picks)": [float(day.refunds) for day in self.days],
                "Cancellations (cancelled or not collected)": [
                    float(day.cancellation_refunds) for day in self.days
                ],
            },
        }

    def rows(self):
        """The days as lists of values in ``COLUMNS`` order (for CSV), then the totals."""
        for day in [*self.days, self.total]:
            yield [
                getattr(day, name) if name != "date" else (day.date or "total") for name in COLUMNS
            ]


#: The days a report can be about: the shop's own era, far from the calendar's ends.
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2999, 12, 31)


def _in_range(day):
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise forms.ValidationError(
            f"Give a day between {FIRST_DAY:%Y-%m-%d} and {LAST_DAY:%Y-%m-%d}.",
            code="date_out_of_range",
        )


class ReportForm(forms.Form):
    start = forms.DateField(required=False, label="From", validators=[_in_range])
    end = forms.DateField(required=False, label="To", validators=[_in_range])

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        start, end = self._span(data.get("start"), data.get("end"))
        if start > end:
            raise forms.ValidationError("The first day comes after the last day.", code="date_span")
        if (end - start).days >= MAX_DAYS:
            raise forms.ValidationError(
                f"Ask for at most {MAX_DAYS} days at a time.", code="date_span"
            )
        data["start"], data["end"] = start, end
        return data

    def _span(self, start, end):
        """Missing days default to the week up to today (or up to the last day asked for)."""
        end = end or self.today
        return start or end - dt.timedelta(days=6), end

    def span(self) -> tuple[dt.date, dt.date]:
        """The days asked for (call ``is_valid`` first on a bound form)."""
        if self.is_bound:
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return self._span(None, None)


def local_today(store: Location) -> dt.date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(store.timezone)).date()


def _money(value) -> Decimal:
    """A sum of money to the penny (SQLite sums decimals as floats)."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _median(values):
    return round(statistics.median(values), 1) if values else None


@dataclass
class _Collected:
    """Figures per (location id, day), and the timings behind the medians per location."""

    cells: dict = field(default_factory=dict)
    to_ready: dict = field(default_factory=lambda: defaultdict(list))
    to_collect: dict = field(default_factory=lambda: defaultdict(list))

    def cell(self, location_id, day) -> Figures:
        if (location_id, day) not in self.cells:
            self.cells[location_id, day] = Figures(date=day)
        return self.cells[location_id, day]


def _collect(stores, since: dt.datetime, until: dt.datetime, tz) -> _Collected:
    """Everything the reports count, for these stores between two moments, in seven queries."""
    ids = [store.pk for store in stores]
    found = _Collected()

    placed = (
        Order.objects.filter(pickup_location__in=ids, date_placed__gte=since, date_placed__lt=until)
        .annotate(day=TruncDate("date_placed", tzinfo=tz))
        .values("pickup_location_id", "day")
        .annotate(n=Count("pk"), value=Sum("total_incl_tax"))
    )
    for row in placed:
        cell = found.cell(row["pickup_location_id"], row["day"])
        cell.pickups_placed, cell.pickup_value = row["n"], _money(row["value"])

    events = (
        PickupEvent.objects.filter(
            order__pickup_location__in=ids,
            created_at__gte=since,
            created_at__lt=until,
            kind__in=[*COUNTED, Kind.SHORT_PICK],
        )
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("order__pickup_location_id", "day", "kind")
        .annotate(n=Count("pk"), units=Sum("quantity"), refund=Sum("refund"))
    )
    for row in events:
        cell = found.cell(row["order__pickup_location_id"], row["day"])
        if row["kind"] == Kind.SHORT_PICK:
            cell.short_picked_units += row["units"] or 0
            cell.short_pick_refunds += _money(row["refund"])
        else:
            setattr(cell, COUNTED[row["kind"]], row["n"])
            cell.cancellation_refunds += _money(row["refund"])

    # How fast: each ready and each handover in the span, with the times it is measured from.
    last_ready = Subquery(
        PickupEvent.objects.filter(order=OuterRef("order"), kind=Kind.READY)
        .order_by("-created_at")
        .values("created_at")[:1],
        output_field=DateTimeField(),
    )
    timings = (
        PickupEvent.objects.filter(
            order__pickup_location__in=ids,
            created_at__gte=since,
            created_at__lt=until,
            kind__in=[Kind.READY, Kind.HANDED_OVER],
        )
        .annotate(ready_at=last_ready)
        .values_list(
            "order__pickup_location_id",
            "kind",
            "created_at",
            "order__date_placed",
            "order__ready_by",
            "ready_at",
        )
    )
    for location_id, kind, at, placed_at, ready_by, ready_at in timings:
        if kind == Kind.READY:
            found.to_ready[location_id].append((at - placed_at).total_seconds() / 60)
            if ready_by is None or at <= ready_by:
                found.cell(location_id, at.astimezone(tz).date()).ready_on_time += 1
        elif ready_at is not None:
            found.to_collect[location_id].append((at - ready_at).total_seconds() / 3600)

    sales = (
        Order.objects.filter(
            till_sale__location__in=ids, date_placed__gte=since, date_placed__lt=until
        )
        .annotate(location_id=F("till_sale__location_id"), day=TruncDate("date_placed", tzinfo=tz))
        .values("location_id", "day")
        .annotate(n=Count("pk"), revenue=Sum("total_incl_tax"))
    )
    for row in sales:
        cell = found.cell(row["location_id"], row["day"])
        cell.till_sales, cell.till_revenue = row["n"], _money(row["revenue"])

    returns = (
        CounterReturn.objects.filter(location__in=ids, created_at__gte=since, created_at__lt=until)
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("location_id", "day")
        .annotate(
            units=Sum("quantity"),
            written_off=Sum("quantity", filter=Q(damaged=True)),
            refund=Sum("refund"),
        )
    )
    for row in returns:
        cell = found.cell(row["location_id"], row["day"])
        cell.returned_units = row["units"] or 0
        cell.written_off_units = row["written_off"] or 0
        cell.return_refunds = _money(row["refund"])

    shipped = (
        TransferLine.objects.filter(
            transfer__source__in=ids,
            transfer__shipped_at__gte=since,
            transfer__shipped_at__lt=until,
        )
        .annotate(day=TruncDate("transfer__shipped_at", tzinfo=tz))
        .values("transfer__source_id", "day")
        .annotate(units=Sum("quantity"))
        .order_by()
    )
    for row in shipped:
        found.cell(row["transfer__source_id"], row["day"]).transfer_units_shipped = row["units"]
    received = (
        TransferLine.objects.filter(
            transfer__destination__in=ids,
            transfer__state=Transfer.State.RECEIVED,
            transfer__received_at__gte=since,
            transfer__received_at__lt=until,
        )
        .annotate(day=TruncDate("transfer__received_at", tzinfo=tz))
        .values("transfer__destination_id", "day")
        .annotate(
            units=Sum("quantity_received"),
            missing=Sum(F("quantity") - F("quantity_received")),
        )
        .order_by()
    )
    for row in received:
        cell = found.cell(row["transfer__destination_id"], row["day"])
        cell.transfer_units_received = row["units"] or 0
        cell.transfer_units_missing = row["missing"] or 0
    return found


def _span(start: dt.date, end: dt.date, tz) -> tuple[dt.datetime, dt.datetime]:
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    return since, dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)


def store_report(store: Location, *, start: dt.date, end: dt.date) -> StoreReport:
    """The store's figures for each day from ``start`` to ``end`` (its own calendar), and totals."""
    tz = zoneinfo.ZoneInfo(store.timezone)
    found = _collect([store], *_span(start, end, tz), tz)
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    report = StoreReport(
        store=store,
        start=start,
        end=end,
        days=[found.cells.get((store.pk, day)) or Figures(date=day) for day in days],
        median_minutes_to_ready=_median(found.to_ready[store.pk]),
        median_hours_to_collect=_median(found.to_collect[store.pk]),
    )
    for day in report.days:
        report.total.add(day)
    return report


def stores_summary(stores, *, start: dt.date, end: dt.date) -> list[StoreReport]:
    """Every store's totals over the same days (the shop's calendar), for comparing them;
    seven queries however many stores."""
    tz = timezone.get_current_timezone()
    found = _collect(stores, *_span(start, end, tz), tz)
    reports = {
        store.pk: StoreReport(
            store=store,
            start=start,
            end=end,
            median_minutes_to_ready=_median(found.to_ready[store.pk]),
            median_hours_to_collect=_median(found.to_collect[store.pk]),
        )
        for store in stores
    }
    for (location_id, _day), figures in found.cells.items():
        reports[location_id].total.add(figures)
    return list(reports.values())
