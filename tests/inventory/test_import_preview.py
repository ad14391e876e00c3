"""``import_stock --preview`` says what each row would change and changes nothing; an import
confirmed for one previewed file refuses another."""

import pytest
from django.core.management import CommandError, call_command
from oscar.core.loading import get_model

from apps.inventory.imports import FeedRejected, checksum_of, import_stock
from apps.inventory.models import StockImport, StockMovement

StockRecord = get_model("partner", "StockRecord")


def everything():
    return (
        sorted(
            StockRecord.objects.values_list("pk", "num_in_stock", "num_allocated", "bin_location")
        ),
        StockMovement.objects.count(),
        StockImport.objects.count(),
    )


def test_the_command_previews_each_change_and_writes_nothing(catalogue, tmp_path, capsys):
    path = tmp_path / "count.csv"
    path.write_text("location,sku,on_hand,bin_location\nleeds,SKU-1,4,A-1\nleeds,SKU-2,10,\n")
    before = everything()

    call_command("import_stock", str(path), "--preview", "--no-progress")

    out = capsys.readouterr().out
    assert "line 2: SKU-1 at leeds: on hand 10 -> 4, bin (none) -> A-1" in out
    assert "line 3" not in out  # as it is
    assert "2 rows, 1 change on hand, 1 change a bin, 0 refused. Nothing was changed." in out
    assert everything() == before


def test_the_command_preview_fails_a_file_that_would_be_refused(catalogue, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("location,sku,delta\nleeds,SKU-1,x\n")
    before = everything()
    with pytest.raises(CommandError, match="would be refused whole"):
        call_command("import_stock", str(path), "--preview", "--no-progress")
    assert 'refused line 2, column "delta": not a whole number' in capsys.readouterr().out
    assert everything() == before


def test_an_import_confirmed_for_another_file_is_refused(catalogue):
    before = everything()
    previewed = checksum_of("location,sku,delta\nleeds,SKU-1,1\n")
    with pytest.raises(FeedRejected, match="not the one previewed"):
        import_stock(text="location,sku,delta\nleeds,SKU-1,100\n", previewed=previewed)
    assert everything() == before


def test_bins_in_json_lines_set_clear_or_leave_alone(catalogue, store):
    lines = [
        '{"location": "leeds", "sku": "SKU-1", "delta": 0, "bin_location": "A-1"}',
        '{"location": "leeds", "sku": "SKU-2", "delta": 0, "bin_location": null}',
        '{"location": "leeds", "sku": "SKU-3", "delta": 0}',
    ]
    StockRecord.objects.filter(partner_id=store.partner_id).update(bin_location="OLD")
    result = import_stock(text="\n".join(lines), filename="bins.jsonl")
    bins = dict(
        StockRecord.objects.filter(partner_id=store.partner_id).values_list(
            "product__upc", "bin_location"
        )
    )
    assert bins == {"SKU-1": "A-1", "SKU-2": "", "SKU-3": "OLD"}
    assert result.bins_changed == 2


def test_a_bad_bin_is_named_by_line_and_column(catalogue):
    long = "X" * 33
    with pytest.raises(FeedRejected) as refused:
        import_stock(text=f"location,sku,delta,bin_location\nleeds,SKU-1,1,{long}\n")
    assert [(e.line, e.column) for e in refused.value.errors] == [(2, "bin_location")]
    assert "at most 32 characters" in refused.value.errors[0].reason
