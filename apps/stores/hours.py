"""Opening hours in the store's own time zone: is it open now, when is a pickup ready."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.utils import timezone

from .models import Location

#: How far ahead we look for the next opening (covers long holiday closures).
SEARCH_DAYS = 21


@dataclass(frozen=True)
class OpeningStatus:
    is_open: bool
    #: When the state changes next (closing time if open, next opening if closed), store time.
    changes_at: dt.datetime | None

    @property
    def label(self) -> str:
        if self.changes_at is None:
            return "Closed"
        if self.is_open:
            return f"Open until {self.changes_at:%H:%M}"
        return f"Closed, opens {_day_words(self.changes_at)} at {self.changes_at:%H:%M}"


def _day_words(moment: dt.datetime, *, today: dt.date | None = None) -> str:
    today = today or timezone.now().astimezone(moment.tzinfo).date()
    if moment.date() == today:
        return "today"
    if moment.date() == today + dt.timedelta(days=1):
        return "tomorrow"
    return moment.strftime("%A %-d %B")


def _hours_by_weekday(location: Location):
    return {h.weekday: h for h in location.opening_hours.all()}


def _closed_dates(location: Location):
    return {c.date for c in location.closed_days.all()}


def open_periods(location: Location, start: dt.datetime, days: int = SEARCH_DAYS):
    """Yield (opens, closes) periods in store time, from the day of ``start`` on."""
    tz = zoneinfo.ZoneInfo(location.timezone)
    hours, closed = _hours_by_weekday(location), _closed_dates(location)
    first = start.astimezone(tz).date()
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        row = hours.get(day.weekday())
        if row is None or day in closed:
            continue
        yield (
            dt.datetime.combine(day, row.opens, tzinfo=tz),
            dt.datetime.combine(day, row.closes, tzinfo=tz),
        )


def pickup_periods(location: Location, start: dt.datetime, days: int):
    """Yield (starts, ends) in store time when shoppers may collect, from the day of ``start``
    on: the store's pickup windows, or its opening hours where it has set none."""
    windows = location.pickup_windows.all()
    if not windows:
        yield from open_periods(location, start, days)
        return
    tz = zoneinfo.ZoneInfo(location.timezone)
    by_day: dict[int, list] = {}
    for window in windows:
        by_day.setdefault(window.weekday, []).append(window)
    closed = _closed_dates(location)
    first = start.astimezone(tz).date()
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        if day in closed:
            continue
        for window in sorted(by_day.get(day.weekday(), ()), key=lambda w: w.starts):
            yield (
                dt.datetime.combine(day, window.starts, tzinfo=tz),
                dt.datetime.combine(day, window.ends, tzinfo=tz),
            )


def opening_status(location: Location, now: dt.datetime | None = None) -> OpeningStatus:
    now = now or timezone.now()
    for opens, closes in open_periods(location, now):
        if closes <= now:
            continue
        if opens <= now:
            return OpeningStatus(True, closes)
        return OpeningStatus(False, opens)
    return OpeningStatus(False, None)


def ready_time(location: Location, now: dt.datetime | None = None) -> dt.datetime | None:
    """When an order placed now can be collected: picking takes the lead time of open hours."""
    now = now or timezone.now()
    remaining = dt.timedelta(minutes=location.lead_time_minutes)
    for opens, closes in open_periods(location, now):
        start = max(opens, now)
        if start >= closes:
            continue
        if start + remaining <= closes:
            return start + remaining
        remaining -= closes - start
    return None


def in_words(moment: dt.datetime, now: dt.datetime | None = None) -> str:
    """'today at 16:00', 'tomorrow at 10:00', 'Friday 27 November at 10:00' (store time)."""
    now = (now or timezone.now()).astimezone(moment.tzinfo)
    return f"{_day_words(moment, today=now.date())} at {moment:%H:%M}"
