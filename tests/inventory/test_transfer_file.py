"""Transfers from a file: refused whole with each bad cell named by line and column, or created
whole, one transfer per source and destination."""

import pytest

from apps.inventory.imports import FeedRejected
from apps.inventory.models import Transfer
from apps.inventory.transfers import import_transfers
from tests.factories import ProductFactory, stock


@pytest.fixture
def chair(shop):
    chair = ProductFactory(title="Oak Chair", upc="CHAIR-1")
    stock(shop["warehouse"], chair, 20)
    return chair


def problems(text):
    with pytest.raises(FeedRejected) as refused:
        import_transfers(text=text, filename="monday.csv")
    return [(e.line, e.column, e.reason) for e in refused.value.errors]


def test_a_good_file_creates_one_transfer_per_route_with_its_lines(shop, chair):
    created = import_transfers(
        text="source,destination,sku,quantity\n"
        "web,leeds,LAMP-1,3\n"
        "web,leeds,chair-1,5\n"  # a UPC in any case, as scanned
        "web,york,LAMP-1,2\n",
        filename="monday.csv",
    )
    assert len(created) == 2
    routes = {
        (t.source.code, t.destination.code): sorted(
            (line.product.upc, line.quantity) for line in t.lines.all()
        )
        for t in Transfer.objects.all()
    }
    assert routes == {
        ("web", "leeds"): [("CHAIR-1", 5), ("LAMP-1", 3)],
        ("web", "york"): [("LAMP-1", 2)],
    }
    assert set(Transfer.objects.values_list("state", "note")) == {("created", "from monday.csv")}


def test_a_location_sku_names_the_product_too(shop, chair):
    from oscar.core.loading import get_model

    get_model("partner", "StockRecord").objects.filter(
        partner=shop["warehouse"].partner, product=chair
    ).update(partner_sku="WH-CH-01")
    import_transfers(text="source,destination,sku,quantity\nweb,york,WH-CH-01,1\n")
    assert Transfer.objects.get().lines.get().product == chair


def test_a_file_with_bad_cells_creates_nothing_and_names_each_by_line_and_column(shop, chair):
    found = problems(
        "source,destination,upc,quantity\n"
        "web,leeds,LAMP-1,3\n"
        "nowhere,leeds,LAMP-1,1\n"
        "web,web,LAMP-1,1\n"
        "web,york,NOPE,1\n"
        "web,york,LAMP-1,two\n"
        "web,york,LAMP-1,0\n"
        "web,leeds,LAMP-1,1\n"
        ",york,LAMP-1,1\n"
    )
    assert found == [
        (3, "source", "unknown location 'nowhere'"),
        (4, "destination", "the same location as the source ('web')"),
        (5, "upc", "unknown product 'NOPE'"),
        (6, "quantity", "not a whole number ('two')"),
        (7, "quantity", "must be at least 1 ('0')"),
        (8, "upc", "duplicate of line 2 (same product, same route)"),
        (9, "source", "is empty"),
    ]
    assert not Transfer.objects.exists()


def test_a_file_without_the_columns_it_needs_is_refused_at_the_header(shop):
    assert problems("from,to,sku\nweb,leeds,LAMP-1\n") == [
        (
            1,
            "from",
            "not a column of a transfer file (source,destination,sku,quantity (or upc instead of sku))",
        ),
        (
            1,
            "to",
            "not a column of a transfer file (source,destination,sku,quantity (or upc instead of sku))",
        ),
        (1, "source", "missing from the header"),
        (1, "destination", "missing from the header"),
        (1, "quantity", "missing from the header"),
    ]
    assert problems("") == [
        (
            1,
            None,
            "the file is empty: it needs a header, source,destination,sku,quantity (or upc instead of sku)",
        )
    ]
    assert not Transfer.objects.exists()
