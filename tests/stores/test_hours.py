"""Opening status and ready-for-pickup times, in the store's own time zone."""

import datetime as dt
import zoneinfo

import pytest

from apps.stores.hours import opening_status, ready_time
from apps.stores.models import ClosedDay
from tests.factories import StoreFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
WEEKDAYS_9_TO_17 = dict.fromkeys(range(5), ("09:00", "17:00"))  # closed at weekends


def at(tz, *args):
    return dt.datetime(*args, tzinfo=tz)


@pytest.fixture
def shop(db):
    return StoreFactory(code="hours", name="Hours", hours=WEEKDAYS_9_TO_17, lead_time_minutes=120)


def test_open_store_says_until_when(shop):
    status = opening_status(shop, at(LONDON, 2026, 11, 25, 10, 0))  # a Wednesday
    assert status.is_open and status.label == "Open until 17:00"


def test_closed_store_says_when_it_opens(shop):
    status = opening_status(shop, at(LONDON, 2026, 11, 27, 18, 0))  # Friday evening
    assert not status.is_open
    assert status.changes_at == at(LONDON, 2026, 11, 30, 9, 0)  # Monday


def test_order_in_the_morning_is_ready_the_same_day(shop):
    assert ready_time(shop, at(LONDON, 2026, 11, 25, 10, 0)) == at(LONDON, 2026, 11, 25, 12, 0)


def test_order_late_in_the_day_finishes_picking_next_opening(shop):
    # 16:00 Wednesday: one hour of picking today, one more from 09:00 Thursday.
    assert ready_time(shop, at(LONDON, 2026, 11, 25, 16, 0)) == at(LONDON, 2026, 11, 26, 10, 0)


def test_order_before_opening_is_ready_lead_time_after_opening(shop):
    assert ready_time(shop, at(LONDON, 2026, 11, 25, 6, 30)) == at(LONDON, 2026, 11, 25, 11, 0)


def test_weekend_and_closed_days_are_skipped(shop):
    ClosedDay.objects.create(location=shop, date=dt.date(2026, 11, 30), reason="stock take")
    # Friday 17:30 -> Saturday, Sunday closed, Monday closed day -> Tuesday 11:00.
    assert ready_time(shop, at(LONDON, 2026, 11, 27, 17, 30)) == at(LONDON, 2026, 12, 1, 11, 0)
    assert opening_status(shop, at(LONDON, 2026, 11, 28, 12, 0)).changes_at == at(
        LONDON, 2026, 12, 1, 9, 0
    )


def test_store_hours_are_read_in_the_stores_time_zone(db):
    store = StoreFactory(
        code="nyc",
        name="NYC",
        timezone="America/New_York",
        hours=WEEKDAYS_9_TO_17,
        lead_time_minutes=60,
    )
    # 14:30 in London is 09:30 in New York (Wednesday 25 November 2026, both on standard time).
    now = at(LONDON, 2026, 11, 25, 14, 30)
    assert opening_status(store, now).is_open
    assert ready_time(store, now) == at(NEW_YORK, 2026, 11, 25, 10, 30)


def test_hours_across_a_clock_change(db):
    store = StoreFactory(
        code="dst", name="DST", hours={6: ("10:00", "16:00")}, lead_time_minutes=60
    )
    # Clocks go back on Sunday 25 October 2026; "10:00" means 10:00 local, GMT that day.
    assert ready_time(store, at(LONDON, 2026, 10, 24, 12, 0)) == at(LONDON, 2026, 10, 25, 11, 0)
    assert ready_time(store, at(LONDON, 2026, 10, 24, 12, 0)).utcoffset() == dt.timedelta(0)


def test_a_store_with_no_hours_is_closed_and_never_ready(db):
    store = StoreFactory(code="shut", name="Shut", hours={})
    assert opening_status(store).label == "Closed"
    assert ready_time(store) is None
