"""Merchandisers compare every store over the same days, on screen and as CSV."""

import csv
import io

from django.urls import reverse

from apps.reports import selectors as reports
from apps.stores.models import Store
from tests.conftest import MONDAY, TUESDAY
from tests.factories import StoreFactory, StoreStaffFactory, UserFactory

SPAN = {"start": "2026-11-02", "end": "2026-11-03"}


def test_each_stores_totals_match_its_own_report(shop, two_days):
    stores = list(Store.objects.order_by("name"))
    leeds, york = reports.stores_summary(stores, start=MONDAY, end=TUESDAY)
    assert leeds.total == reports.store_report(shop["leeds"], start=MONDAY, end=TUESDAY).total
    assert (leeds.total.pickups_placed, leeds.total.collected, leeds.total.till_sales) == (2, 1, 1)
    assert (leeds.median_minutes_to_ready, leeds.median_hours_to_collect) == (30.0, 25.5)
    assert york.total == reports.Figures() and york.median_minutes_to_ready is None


def test_the_overview_runs_the_same_queries_for_2_and_for_22_stores(
    shop,
    two_days,
    django_assert_max_num_queries,
):
    stores = list(Store.objects.all())
    with django_assert_max_num_queries(7) as two:
        reports.stores_summary(stores, start=MONDAY, end=TUESDAY)
    for n in range(20):
        StoreFactory(code=f"extra-{n}", name=f"Extra {n}", hours={})
    stores = list(Store.objects.all())
    with django_assert_max_num_queries(7) as many:
        assert len(reports.stores_summary(stores, start=MONDAY, end=TUESDAY)) == 22
    assert len(many.captured_queries) == len(two.captured_queries)


def test_merchandisers_see_every_store_side_by_side_and_download_it(shop, two_days, client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = " ".join(client.get(reverse("dashboard:stores-overview"), SPAN).content.decode().split())
    assert (
        'Omnishop Leeds</a> <small>(<a href="/dashboard/stores/leeds/edit/">edit</a>)</small></td> <td>2 <small>'
        in page
    )
    assert (
        'Omnishop York</a> <small>(<a href="/dashboard/stores/york/edit/">edit</a>)</small></td> <td>0 <small>'
        in page
    )
    response = client.get(reverse("dashboard:stores-overview-csv"), SPAN)
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["store"], r["pickups_placed"], r["collected"]) for r in rows] == [
        ("leeds", "2", "1"),
        ("york", "0", "0"),
    ]
    assert rows[0]["median_minutes_to_ready"] == "30.0"


def test_a_bad_span_is_refused_and_store_staff_are_kept_out(shop, client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    bad = client.get(
        reverse("dashboard:stores-overview"), {"start": "2026-11-05", "end": "2026-11-01"}
    )
    assert bad.status_code == 400
    assert "The first day comes after the last day." in bad.content.decode()
    client.force_login(StoreStaffFactory(location=shop["leeds"]).user)
    assert client.get(reverse("dashboard:stores-overview")).status_code == 403
