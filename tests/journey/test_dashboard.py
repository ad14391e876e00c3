"""Merchandisers read the journey figures on the dashboard, for a store or every store over
the days they choose, and download each figure as CSV; nobody else can."""

import csv
import io

import pytest
from django.urls import reverse

from tests.factories import UserFactory

SPAN = {"start": "2026-11-02", "end": "2026-11-15"}


def rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_page_and_each_csv_say_the_seeded_figures(fortnight, merchandiser):
    page = merchandiser.get(reverse("dashboard:journey"), {**SPAN, "store": "leeds"})
    assert page.status_code == 200
    html = " ".join(page.content.decode().split())
    assert "<strong>Omnishop Leeds</strong>, 2 Nov 2026 to 15 Nov 2026." in html
    assert '<th scope="row">Collect checkout</th><td>5</td>' in html
    assert "<strong>50.0%</strong> ready on time (2 of 4); median 2.5 min late." in html
    assert '<canvas id="funnel-chart"' in html and 'id="journey-chart-data"' in html

    funnel = rows(merchandiser.get(reverse("dashboard:journey-csv", args=["funnel"]), SPAN))
    assert funnel[0] == ["store", "start", "end", "step", "count"]
    assert [r[3:] for r in funnel[1:]] == [
        ["Product viewed with availability", "12"],
        ["Added to basket", "5"],
        ["Collect checkout", "7"],
        ["Ready for collection", "6"],
        ["Collected", "4"],
        ["Not collected", "1"],
    ]
    channels = rows(merchandiser.get(reverse("dashboard:journey-csv", args=["channels"]), SPAN))
    assert [r[3:] for r in channels[1:]] == [
        ["2026-11-02", "1", "5", "3"],
        ["2026-11-09", "2", "2", "1"],
    ]
    attach = rows(
        merchandiser.get(
            reverse("dashboard:journey-csv", args=["attach"]), {**SPAN, "store": "york"}
        )
    )
    assert attach[1][:7] == ["york", "2026-11-02", "2026-11-15", "2", "1", "1", "100.0"]
    counter = rows(merchandiser.get(reverse("dashboard:journey-csv", args=["counter"]), SPAN))
    assert counter[-1][3:] == ["median minutes", "7.0"]
    ready = rows(merchandiser.get(reverse("dashboard:journey-csv", args=["ready"]), SPAN))
    assert [r[4] for r in ready[1:6]] == ["1", "2", "1", "1", "1"]


@pytest.mark.parametrize(
    "query, reason",
    [
        ({"start": "2026-11-15", "end": "2026-11-02"}, "The first day comes after the last day."),
        ({"start": "yesterday"}, "Enter a valid date."),
        ({"store": "atlantis"}, "Select a valid choice."),
    ],
)
def test_a_wrong_span_or_store_is_refused_with_the_reason(shop, merchandiser, query, reason):
    page = merchandiser.get(reverse("dashboard:journey"), query)
    assert page.status_code == 400 and reason in page.content.decode()
    download = merchandiser.get(reverse("dashboard:journey-csv", args=["funnel"]), query)
    assert download.status_code == 400 and reason in download.content.decode()


def test_an_unknown_figure_is_not_found(shop, merchandiser):
    assert merchandiser.get(reverse("dashboard:journey-csv", args=["profit"])).status_code == 404


def test_only_staff_see_the_journey(shop, client):
    url = reverse("dashboard:journey")
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(UserFactory())
    assert client.get(url).status_code in (302, 403)
    assert client.get(reverse("dashboard:journey-csv", args=["funnel"])).status_code in (302, 403)
