"""Store reports keep refunds (counter returns and short picks: money back for goods) apart
from cancellations (orders cancelled or not collected) in every figure, on screen and in the
CSV, with charts drawn from the same figures; transfers in and out are counted too."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from apps.instore import services as instore
from apps.inventory import services as stock
from apps.order import statuses
from apps.pickup import services as pickup
from apps.reports import selectors as reports
from tests.conftest import MONDAY, TUESDAY, at
from tests.factories import OrderFactory
from tests.factories import stock as give_stock

PRICE = Decimal("10.00")


@pytest.fixture
def known_orders(shop, manager):
    """Monday at Leeds, lamps at £10: one order of 3 short-picked by 1 (£10 refund) and
    collected; one of 2 cancelled (£20 back); one of 1 not collected that night (£10 back); a till sale
    of 2 with one brought back (£10 refund). Tuesday: a transfer of 4 from the warehouse
    arrives with 3."""
    leeds = shop["leeds"]
    give_stock(leeds, shop["lamp"], 20)
    with time_machine.travel(at(MONDAY, 9), tick=False):
        short = OrderFactory(store=leeds, lines={shop["lamp"]: 3})
        cancelled = OrderFactory(store=leeds, lines={shop["lamp"]: 2})
        uncollected = OrderFactory(
            store=leeds, lines={shop["lamp"]: 1}, status=statuses.READY, by=manager
        )
        pickup.start_picking(order=short, by=manager)
        pickup.short_pick(order=short, line=short.lines.get(), quantity=1, by=manager)
        pickup.cancel(order=cancelled, by=manager, reason="customer asked")
        sale = instore.sell(location=leeds, quantities={shop["lamp"].pk: 2}, by=manager)
        instore.take_return(
            location=leeds, order=sale, quantities={sale.lines.get().pk: 1}, by=manager
        )
    with time_machine.travel(at(MONDAY, 23), tick=False):
        pickup.mark_not_collected(order=uncollected, now=at(MONDAY, 9) + dt.timedelta(days=8))
    with time_machine.travel(at(TUESDAY, 10), tick=False):
        moved = stock.create_transfer(
            source=shop["warehouse"], destination=leeds, quantities={shop["lamp"].pk: 4}
        )
        stock.ship_transfer(transfer=moved)
        stock.receive_transfer(transfer=moved, received={shop["lamp"].pk: 3})
    return {"short": short, "cancelled": cancelled, "uncollected": uncollected, "sale": sale}


def test_refunds_and_cancellations_are_counted_apart(shop, known_orders):
    report = reports.store_report(shop["leeds"], start=MONDAY, end=TUESDAY)
    monday, tuesday = report.days
    assert monday.short_pick_refunds == PRICE
    assert monday.return_refunds == PRICE
    assert monday.refunds == 2 * PRICE  # returns and short picks, never cancellations
    assert (monday.cancelled, monday.not_collected, monday.cancellation_refunds) == (
        1,
        1,
        3 * PRICE,
    )
    total = report.total
    assert (total.cancelled, total.not_collected, total.cancellations) == (1, 1, 2)
    assert total.cancellation_refunds == 3 * PRICE  # £20 cancelled + £10 not collected
    assert total.refunds == 2 * PRICE
    assert total.pickup_refunds == 4 * PRICE  # the API's figure: short picks and cancellations
    assert (tuesday.transfer_units_received, tuesday.transfer_units_missing) == (3, 1)
    assert (
        reports.store_report(
            shop["warehouse"], start=TUESDAY, end=TUESDAY
        ).total.transfer_units_shipped
        == 4
    )


def test_the_csv_has_refunds_and_cancellations_in_their_own_columns(
    shop, known_orders, client, manager
):
    client.force_login(manager)
    response = client.get(
        reverse("console:reports-csv", args=["leeds"]), {"start": "2026-11-02", "end": "2026-11-03"}
    )
    total = list(csv.DictReader(io.StringIO(response.content.decode())))[-1]
    assert total["date"] == "total"
    assert Decimal(total["refunds"]) == 2 * PRICE
    assert Decimal(total["short_pick_refunds"]) == Decimal(total["return_refunds"]) == PRICE
    assert Decimal(total["cancellation_refunds"]) == 3 * PRICE
    assert (total["cancelled"], total["not_collected"], total["cancellations"]) == ("1", "1", "2")
    assert (total["transfer_units_received"], total["transfer_units_missing"]) == ("3", "1")


def test_the_page_shows_both_and_carries_the_charts_data_beside_its_table(
    shop, known_orders, client, manager
):
    client.force_login(manager)
    response = client.get(
        reverse("console:reports", args=["leeds"]), {"start": "2026-11-02", "end": "2026-11-03"}
    )
    page = " ".join(response.content.decode().split())
    assert "<span>Refunds</span><strong>£20.00</strong>" in page
    assert (
        "<span>Cancellations</span><strong>2</strong><small>1 cancelled, 1 not collected · £30.00 given back</small>"
        in page
    )
    data = json.loads(
        page.split('id="report-chart-data" type="application/json">')[1].split("</script>")[0]
    )
    assert data["labels"] == ["Mon 2 Nov", "Tue 3 Nov"]
    assert data["money_back"] == {
        "Refunds (returns and short picks)": [20.0, 0.0],
        "Cancellations (cancelled or not collected)": [30.0, 0.0],
    }
    assert data["sales"]["Till"][0] == float(known_orders["sale"].total_incl_tax)
    assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in page
    assert 'aria-describedby="days"' in page and '<table id="days"' in page
