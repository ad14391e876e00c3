"""Store managers' reports: a span of days at one store, on screen and as CSV."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from apps.reports import selectors as reports
from apps.stores.models import StoreStaff
from tests.conftest import MONDAY, TUESDAY, at
from tests.factories import StoreStaffFactory


def test_a_report_counts_each_day_in_the_stores_own_calendar(shop, two_days):
    report = reports.store_report(shop["leeds"], start=MONDAY, end=TUESDAY)
    monday, tuesday = report.days
    price = two_days["fast"].total_incl_tax
    assert (monday.date, monday.pickups_placed, monday.pickup_value) == (MONDAY, 2, 2 * price)
    assert (monday.made_ready, monday.ready_on_time, monday.collected) == (1, 1, 0)
    assert (tuesday.collected, tuesday.cancelled, tuesday.pickup_refunds) == (1, 1, price)
    assert (tuesday.till_sales, tuesday.till_revenue) == (1, two_days["sale"].total_incl_tax)
    assert (tuesday.returned_units, tuesday.written_off_units) == (1, 1)
    assert tuesday.return_refunds == two_days["sale"].lines.get().unit_price_incl_tax
    assert report.median_minutes_to_ready == 30.0
    assert report.median_hours_to_collect == 25.5
    assert report.total.pickups_placed == 2 and report.total.collection_rate_percent == 100


def test_a_day_outside_the_span_is_left_out(shop, two_days):
    report = reports.store_report(shop["leeds"], start=TUESDAY, end=TUESDAY)
    assert report.total.pickups_placed == 0 and report.total.collected == 1
    assert report.median_minutes_to_ready is None


def test_other_stores_activity_is_not_in_this_stores_report(shop, two_days):
    report = reports.store_report(shop["york"], start=MONDAY, end=TUESDAY)
    assert report.total == reports.Figures()


def test_managers_see_the_report_page_and_download_it_as_csv(shop, two_days, client, manager):
    client.force_login(manager)
    span = {"start": "2026-11-02", "end": "2026-11-03"}
    page = " ".join(
        client.get(reverse("console:reports", args=["leeds"]), span).content.decode().split()
    )
    assert "2 Nov 2026 to 3 Nov 2026" in page
    assert "<span>Ready on time</span><strong>100%</strong>" in page
    response = client.get(reverse("console:reports-csv", args=["leeds"]), span)
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="omnishop-leeds-2026-11-02-2026-11-03.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["date"] for row in rows] == ["2026-11-02", "2026-11-03", "total"]
    assert rows[2]["pickups_placed"] == "2" and rows[1]["till_sales"] == "1"
    assert rows[2]["till_revenue"] == f"{two_days['sale'].total_incl_tax:.2f}"  # to the penny
    assert Decimal(rows[2]["return_refunds"]) == two_days["sale"].lines.get().unit_price_incl_tax


def test_the_report_defaults_to_the_last_seven_days(shop, client, manager):
    client.force_login(manager)
    with time_machine.travel(at(TUESDAY, 9), tick=False):
        response = client.get(reverse("console:reports", args=["leeds"]))
    report = response.context["report"]
    assert (report.start, report.end, len(report.days)) == (
        TUESDAY - dt.timedelta(days=6),
        TUESDAY,
        7,
    )


@pytest.mark.parametrize(
    "span, error",
    [
        ({"start": "2026-11-05", "end": "2026-11-01"}, "The first day comes after the last day."),
        ({"start": "2024-01-01", "end": "2026-11-01"}, "Ask for at most 366 days at a time."),
        ({"start": "yesterday"}, "From: Enter a valid date."),
    ],
)
def test_a_bad_span_is_refused_with_the_reason(shop, client, manager, span, error):
    client.force_login(manager)
    response = client.get(reverse("console:reports", args=["leeds"]), span)
    assert response.status_code == 400
    assert error in response.content.decode()


def test_associates_and_other_stores_managers_cannot_open_the_report(shop, client):
    client.force_login(StoreStaffFactory(location=shop["leeds"]).user)
    assert client.get(reverse("console:reports", args=["leeds"])).status_code == 403
    assert client.get(reverse("console:reports-csv", args=["leeds"])).status_code == 403
    york_manager = StoreStaffFactory(location=shop["york"], role=StoreStaff.Role.MANAGER).user
    client.force_login(york_manager)
    assert client.get(reverse("console:reports", args=["leeds"])).status_code == 403
    assert client.get(reverse("console:reports", args=["york"])).status_code == 200


def test_a_years_report_runs_the_same_queries_as_a_weeks(
    shop, two_days, client, manager, django_assert_max_num_queries
):
    client.force_login(manager)
    url = reverse("console:reports", args=["leeds"])
    with django_assert_max_num_queries(16) as week:
        client.get(url, {"start": "2026-10-28", "end": "2026-11-03"})
    with django_assert_max_num_queries(16) as year:
        client.get(url, {"start": "2025-11-04", "end": "2026-11-03"})
    assert len(year.captured_queries) == len(week.captured_queries)
