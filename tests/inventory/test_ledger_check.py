import pytest
from django.core.management import CommandError, call_command
from oscar.core.loading import get_model

from apps.inventory import services
from tests.factories import stock

StockRecord = get_model("partner", "StockRecord")


def test_balanced_ledger_passes(db, store, product, capsys):
    stock(store, product, 5)
    services.allocate(location=store, quantities={product.pk: 2})
    call_command("check_stock_ledger")
    assert "Ledger balances" in capsys.readouterr().out


def test_a_change_written_behind_the_ledgers_back_is_reported(db, store, product, capsys):
    stock(store, product, 5)
    StockRecord.objects.filter(product=product).update(num_in_stock=9)  # no movement written
    with pytest.raises(CommandError, match="1 stock record"):
        call_command("check_stock_ledger")
    out = capsys.readouterr().out
    assert "DRIFT leeds LAMP-1: on hand 9 (ledger 5), allocated 0 (ledger 0)" in out


def test_allocations_and_records_without_any_movement_are_checked_too(
    db, store, other_store, product, capsys
):
    stock(store, product, 5)
    StockRecord.objects.filter(product=product).update(num_allocated=1)  # promised, no movement
    StockRecord.objects.create(
        partner=other_store.partner, product=product, partner_sku="X", num_in_stock=3
    )
    with pytest.raises(CommandError, match="2 stock record"):
        call_command("check_stock_ledger")
    out = capsys.readouterr().out
    assert "DRIFT leeds LAMP-1: on hand 5 (ledger 5), allocated 1 (ledger 0)" in out
    assert "DRIFT york LAMP-1: on hand 3 (ledger 0), allocated 0 (ledger 0)" in out


def test_rows_without_a_source_are_listed_but_do_not_fail_a_balanced_ledger(
    db, store, product, capsys
):
    stock(store, product, 5)  # a receipt under its batch: it has a source
    services.allocate(location=store, quantities={product.pk: 2}, reference="PHONE-ORDER-7")
    call_command("check_stock_ledger")
    out = capsys.readouterr().out
    assert "NO SOURCE movement" in out and "Allocation leeds LAMP-1" in out
    assert "PHONE-ORDER-7" in out
    assert "1 ledger row(s) name no order line, return, transfer, count or import." in out
    assert "Ledger balances" in out
