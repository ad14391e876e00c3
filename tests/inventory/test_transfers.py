"""Transfers in transit: created, shipped (units leave the source), received (what arrived goes
on at the destination), or cancelled before they ship; the ledger at each step."""

import io

import pytest
from oscar.core.loading import get_model

from apps.inventory import services
from apps.inventory.models import StockMovement, Transfer
from apps.inventory.selectors import in_transit, ledger_drift, transfer_ledger, transfers
from tests.factories import ProductFactory, UserFactory, stock

StockRecord = get_model("partner", "StockRecord")


def on_hand(location, product):
    return StockRecord.objects.get(partner=location.partner, product=product).num_in_stock


@pytest.fixture
def chair(shop):
    chair = ProductFactory(title="Oak Chair", upc="CHAIR-1")
    stock(shop["leeds"], chair, 6)
    return chair


def plan(shop, chair, lamp_units=2, chair_units=4, by=None):
    return services.create_transfer(
        source=shop["leeds"],
        destination=shop["york"],
        quantities={shop["lamp"].pk: lamp_units, chair.pk: chair_units},
        by=by,
        note="weekend promotion",
    )


def test_shipping_then_receiving_writes_the_ledger_at_each_side_and_shows_units_in_transit(
    shop, chair
):
    leeds, york, lamp = shop["leeds"], shop["york"], shop["lamp"]
    clerk = UserFactory()
    planned = plan(shop, chair, by=clerk)
    assert planned.state == Transfer.State.CREATED
    assert on_hand(leeds, chair) == 6 and not transfer_ledger(planned).exists()
    assert in_transit(products=[chair, lamp], locations=[york]) == {}

    services.ship_transfer(transfer=planned, by=clerk)
    assert (on_hand(leeds, lamp), on_hand(leeds, chair)) == (0, 2)
    out = list(transfer_ledger(planned))
    assert {(m.location_id, m.product_id, m.on_hand_delta, m.reason) for m in out} == {
        (leeds.pk, lamp.pk, -2, "transfer_out"),
        (leeds.pk, chair.pk, -4, "transfer_out"),
    }
    assert {m.reference for m in out} == {planned.number}
    # Between the steps the units are on the road: on no one's shelf, shown as in transit.
    assert in_transit(products=[chair, lamp], locations=[york]) == {
        (lamp.pk, york.pk): 2,
        (chair.pk, york.pk): 4,
    }
    assert not StockRecord.objects.filter(partner=york.partner, product=chair).exists()
    assert list(ledger_drift()) == []  # check_stock_ledger balances with units in flight

    received = services.receive_transfer(transfer=planned, by=clerk)
    assert received.state == Transfer.State.RECEIVED
    assert received.shipped_by == received.received_by == clerk
    assert (on_hand(york, lamp), on_hand(york, chair)) == (2, 4)
    assert in_transit(locations=[york]) == {}
    rows = transfer_ledger(planned).filter(reason="transfer_in")
    assert sorted((m.product_id, m.on_hand_delta, m.location_id) for m in rows) == sorted(
        [(lamp.pk, 2, york.pk), (chair.pk, 4, york.pk)]
    )
    assert list(ledger_drift()) == []


def test_a_partial_receipt_records_what_went_missing_and_puts_it_nowhere(shop, chair):
    leeds, york, lamp = shop["leeds"], shop["york"], shop["lamp"]
    shipped = services.ship_transfer(transfer=plan(shop, chair))

    services.receive_transfer(transfer=shipped, received={chair.pk: 3, lamp.pk: 0})

    lines = {line.product_id: line for line in shipped.lines.all()}
    assert (lines[chair.pk].quantity, lines[chair.pk].quantity_received) == (4, 3)
    assert (lines[chair.pk].short, lines[lamp.pk].short) == (1, 2)
    shipped.refresh_from_db()
    assert shipped.units_short == 3
    assert on_hand(york, chair) == 3 and on_hand(york, lamp) == 0
    assert on_hand(leeds, chair) == 2  # the missing unit did not go back either
    into = StockMovement.objects.get(reason="transfer_in", product=chair)
    assert into.on_hand_delta == 3 and "3 of 4 arrived, 1 missing" in into.note
    assert not StockMovement.objects.filter(reason="transfer_in", product=lamp).exists()
    assert in_transit(locations=[york]) == {}
    assert list(ledger_drift()) == []


def test_receiving_more_than_was_shipped_or_an_unshipped_product_is_refused(shop, chair):
    shipped = services.ship_transfer(transfer=plan(shop, chair))
    with pytest.raises(services.InvalidStockChange, match="received must be 0 to 4"):
        services.receive_transfer(transfer=shipped, received={chair.pk: 5})
    with pytest.raises(services.InvalidStockChange, match="did not ship"):
        services.receive_transfer(transfer=shipped, received={ProductFactory().pk: 1})
    shipped.refresh_from_db()
    assert shipped.state == Transfer.State.SHIPPED
    assert not StockMovement.objects.filter(reason="transfer_in").exists()


def test_shipping_never_takes_units_promised_to_pickup_orders(shop, chair):
    leeds = shop["leeds"]
    services.allocate(location=leeds, quantities={chair.pk: 3})
    planned = plan(shop, chair)  # 4 chairs: only 3 are free

    with pytest.raises(services.InsufficientStock, match="Only 3 left of Oak Chair"):
        services.ship_transfer(transfer=planned)

    planned.refresh_from_db()
    assert planned.state == Transfer.State.CREATED
    assert (on_hand(leeds, chair), on_hand(leeds, shop["lamp"])) == (6, 2)  # lamps stayed too
    assert not transfer_ledger(planned).exists()


def test_only_a_transfer_not_yet_shipped_can_be_cancelled_and_each_step_happens_once(shop, chair):
    planned = plan(shop, chair)
    services.cancel_transfer(transfer=planned, by=UserFactory())
    planned.refresh_from_db()
    assert planned.state == Transfer.State.CANCELLED and planned.cancelled_at
    with pytest.raises(services.TransferStateError, match="cancelled: it can no longer be shipped"):
        services.ship_transfer(transfer=planned)

    shipped = services.ship_transfer(transfer=plan(shop, chair, chair_units=1, lamp_units=1))
    with pytest.raises(services.TransferStateError, match="in transit: it can no longer be"):
        services.cancel_transfer(transfer=shipped)
    with pytest.raises(services.TransferStateError):
        services.ship_transfer(transfer=shipped)
    services.receive_transfer(transfer=shipped)
    with pytest.raises(services.TransferStateError, match="received"):
        services.receive_transfer(transfer=shipped)
    assert on_hand(shop["york"], chair) == 1
    assert list(ledger_drift()) == []


def test_a_transfer_needs_two_locations_and_positive_quantities(shop, chair):
    with pytest.raises(services.InvalidStockChange, match="two different locations"):
        services.create_transfer(
            source=shop["leeds"], destination=shop["leeds"], quantities={chair.pk: 1}
        )
    with pytest.raises(services.InvalidStockChange, match="positive whole number"):
        services.create_transfer(
            source=shop["leeds"], destination=shop["york"], quantities={chair.pk: 0}
        )
    assert not Transfer.objects.exists()


def test_the_list_filters_by_state_and_by_the_location_that_sends_or_receives(shop, chair):
    first = plan(shop, chair)
    second = services.create_transfer(
        source=shop["warehouse"], destination=shop["leeds"], quantities={shop["lamp"].pk: 1}
    )
    services.ship_transfer(transfer=second)
    assert list(transfers(state="shipped")) == [second]
    assert list(transfers(location=shop["leeds"])) == [second, first]
    assert list(transfers(location=shop["leeds"], direction="out")) == [first]
    assert list(transfers(location=shop["leeds"], direction="in")) == [second]


def test_an_instant_transfer_is_recorded_as_a_received_transfer(shop):
    reference = services.transfer(
        source=shop["warehouse"], destination=shop["york"], quantities={shop["lamp"].pk: 3}
    )
    moved = Transfer.objects.get(reference=reference)
    assert moved.state == Transfer.State.RECEIVED
    assert [(line.quantity, line.quantity_received) for line in moved.lines.all()] == [(3, 3)]
    assert transfer_ledger(moved).count() == 2


def test_check_stock_ledger_balances_with_a_transfer_in_flight_and_one_received_short(shop, chair):
    from django.core.management import call_command

    services.ship_transfer(transfer=plan(shop, chair))
    short = services.ship_transfer(
        transfer=services.create_transfer(
            source=shop["warehouse"], destination=shop["york"], quantities={shop["lamp"].pk: 5}
        )
    )
    services.receive_transfer(transfer=short, received={shop["lamp"].pk: 3})
    out = io.StringIO()
    call_command("check_stock_ledger", stdout=out)
    assert "Ledger balances" in out.getvalue() and "no order line" not in out.getvalue()
