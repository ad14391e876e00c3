"""Each routing policy's choice of location, and the reason it gives."""

import pytest

from apps.routing.policies import (
    POLICIES,
    FewestParts,
    KeepSafetyStock,
    NearestWithEverything,
    WarehouseFirst,
    current_policy,
)
from apps.routing.selectors import route_for_delivery, route_to_store
from tests.factories import stock


def sources(route):
    """{location code: {product title: units}} of a single-part route."""
    (part,) = route.parts
    return {s.location.code: _titled(s.quantities) for s in part.sources}


def _titled(quantities):
    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")
    return {Product.objects.get(pk=pk).title: n for pk, n in quantities.items()}


def test_a_store_with_everything_takes_it_off_its_own_shelf(net):
    route = route_to_store(net["leeds"], {net["lamp"].pk: 2}, policy=NearestWithEverything())
    assert sources(route) == {"leeds": {"Desk Lamp": 2}}
    assert not route.moves_stock
    assert route.parts[0].sources[0].reason == "Omnishop Leeds has Desk Lamp ×2 on its shelves"


def test_nearest_sends_what_the_store_lacks_from_the_nearest_location_with_all_of_it(net):
    route = route_to_store(
        net["leeds"], {net["lamp"].pk: 1, net["kettle"].pk: 1}, policy=NearestWithEverything()
    )
    assert sources(route) == {"leeds": {"Desk Lamp": 1}, "york": {"Kettle": 1}}
    york = route.parts[0].transfers[0]
    assert york.rule == "nearest"
    assert york.reason.startswith("Omnishop Leeds lacks Kettle; Omnishop York (")
    assert york.reason.endswith("km) is the nearest with all of it")


def test_units_held_in_other_baskets_during_a_sale_are_not_routed(net, settings):
    from apps.checkout import services as checkout
    from apps.inventory import holds

    settings.OMNISHOP_BASKET_HOLD_MINUTES = 15  # flash-sale mode
    york_sale = checkout.fill_basket(
        owner=None, quantities={net["kettle"].pk: 3}, location=net["york"]
    )
    holds.hold(basket=york_sale, location=net["york"], wanted={net["kettle"].pk: 3})
    wanted = {net["lamp"].pk: 1, net["kettle"].pk: 1}

    route = route_to_store(net["leeds"], wanted, policy=NearestWithEverything())
    assert sources(route) == {"leeds": {"Desk Lamp": 1}, "manchester": {"Kettle": 1}}
    mine = route_to_store(net["leeds"], wanted, policy=NearestWithEverything(), holder=york_sale)
    assert sources(mine)["york"] == {"Kettle": 1}  # the holder's own holds are its to have


def test_nearest_passes_over_a_closer_store_without_enough(net):
    route = route_to_store(net["leeds"], {net["kettle"].pk: 4}, policy=NearestWithEverything())
    assert sources(route) == {"manchester": {"Kettle": 4}}  # York has only 3


def test_nearest_finds_no_route_when_no_single_location_has_what_is_lacking(net):
    from tests.factories import ProductFactory

    toaster = ProductFactory(title="Toaster")
    stock(net["york"], toaster, 1)  # York: toaster and 3 kettles; Manchester: 4 kettles
    wanted = {net["kettle"].pk: 4, toaster.pk: 1}
    assert route_to_store(net["leeds"], wanted, policy=NearestWithEverything()) is None


def test_fewest_parts_combines_sources_when_no_single_one_has_everything(net):
    from tests.factories import ProductFactory

    toaster = ProductFactory(title="Toaster")
    stock(net["york"], toaster, 1)
    wanted = {net["kettle"].pk: 4, toaster.pk: 1}
    route = route_to_store(net["leeds"], wanted, policy=FewestParts())
    assert sources(route) == {"manchester": {"Kettle": 4}, "york": {"Toaster": 1}}
    assert [s.rule for s in route.parts[0].sources] == ["fewest-parts", "fewest-parts"]
    assert "the most of it in one place" in route.parts[0].sources[0].reason


def test_fewest_parts_prefers_one_source_with_everything_over_the_nearest_with_some(net):
    from tests.factories import ProductFactory

    toaster = ProductFactory(title="Toaster")
    stock(net["york"], toaster, 1)
    stock(net["manchester"], toaster, 1)
    wanted = {net["kettle"].pk: 4, toaster.pk: 1}
    route = route_to_store(net["leeds"], wanted, policy=FewestParts())
    assert sources(route) == {"manchester": {"Kettle": 4, "Toaster": 1}}


def test_safety_stock_keeps_walk_in_units_out_of_web_orders(net, settings):
    settings.ROUTING_SAFETY_STOCK = 4
    # Leeds has 5 lamps: 1 above the 4 kept back, so 2 come from elsewhere.
    route = route_to_store(net["leeds"], {net["lamp"].pk: 2}, policy=KeepSafetyStock())
    assert sources(route) == {"web": {"Desk Lamp": 2}}  # Manchester has 4 lamps: none to spare
    transfer = route.parts[0].transfers[0]
    assert "above the 4 it keeps for walk-in customers" in transfer.reason
    one = route_to_store(net["leeds"], {net["lamp"].pk: 1}, policy=KeepSafetyStock())
    assert sources(one) == {"leeds": {"Desk Lamp": 1}}
    assert "above the 4 it keeps for walk-in customers" in one.parts[0].sources[0].reason


def test_a_stores_own_safety_buffer_counts_when_it_is_higher(net, settings):
    settings.ROUTING_SAFETY_STOCK = 1
    net["leeds"].safety_buffer = 4  # its 5 lamps: 1 for sale
    net["leeds"].save()
    route = route_to_store(net["leeds"], {net["lamp"].pk: 2}, policy=KeepSafetyStock())
    assert "leeds" not in sources(route)


def test_warehouse_first_sends_from_the_warehouse_before_a_nearer_store(net):
    route = route_to_store(net["leeds"], {net["kettle"].pk: 1}, policy=WarehouseFirst())
    assert sources(route) == {"web": {"Kettle": 1}}
    assert route.parts[0].transfers[0].reason == "Omnishop Leeds lacks Kettle; the warehouse has it"


def test_warehouse_first_delivers_from_the_warehouse_and_else_from_the_nearest_store(net):
    route = route_for_delivery({net["lamp"].pk: 3}, policy=WarehouseFirst())
    assert sources(route) == {"web": {"Desk Lamp": 3}}
    assert route.parts[0].sources[0].reason == "Online warehouse has everything for delivery"
    route = route_for_delivery({net["lamp"].pk: 11}, policy=WarehouseFirst())
    assert route is None  # nobody has 11
    route = route_for_delivery({net["kettle"].pk: 3, net["lamp"].pk: 4}, policy=WarehouseFirst())
    assert sources(route) == {"web": {"Kettle": 3, "Desk Lamp": 4}}


def test_fewest_parts_delivers_in_several_parcels_when_no_one_place_has_it_all(net):
    wanted = {net["kettle"].pk: 12}  # more than the warehouse's 10
    assert route_for_delivery(wanted, policy=FewestParts()) is None
    from tests.factories import ProductFactory

    toaster = ProductFactory(title="Toaster")
    stock(net["york"], toaster, 1)
    route = route_for_delivery({net["kettle"].pk: 2, toaster.pk: 1}, policy=FewestParts())
    assert [p.location.code for p in route.parts] == ["york"]  # York has both: one parcel
    route = route_for_delivery({net["kettle"].pk: 5, toaster.pk: 1}, policy=FewestParts())
    assert [p.location.code for p in route.parts] == ["web", "york"]
    assert [list(_titled(p.quantities)) for p in route.parts] == [["Kettle"], ["Toaster"]]
    assert not route.placeable  # split baskets come later


def test_transfer_ready_time_counts_the_routes_days_and_the_stores_hours(net, settings):
    import datetime as dt
    import zoneinfo

    from apps.routing.models import RouteLeadTime

    london = zoneinfo.ZoneInfo("Europe/London")
    now = dt.datetime(2026, 12, 1, 12, 0, tzinfo=london)  # a Tuesday
    settings.ROUTING_TRANSFER_DAYS = 2
    route = route_to_store(
        net["leeds"], {net["kettle"].pk: 1}, policy=NearestWithEverything(), now=now
    )
    # Thursday: open 09:00, picked within the store's 60 minutes.
    assert route.ready_by == dt.datetime(2026, 12, 3, 10, 0, tzinfo=london)
    RouteLeadTime.objects.create(source=net["york"], destination=net["leeds"], days=1)
    route = route_to_store(
        net["leeds"], {net["kettle"].pk: 1}, policy=NearestWithEverything(), now=now
    )
    assert route.ready_by == dt.datetime(2026, 12, 2, 10, 0, tzinfo=london)
    assert route.parts[0].transfers[0].lead_days == 1


def test_the_setting_chooses_the_policy(settings):
    settings.OMNISHOP_ROUTING_POLICY = "warehouse-first"
    assert isinstance(current_policy(), WarehouseFirst)
    settings.OMNISHOP_ROUTING_POLICY = "apps.routing.policies.FewestParts"
    assert isinstance(current_policy(), FewestParts)
    settings.OMNISHOP_ROUTING_POLICY = "closest"
    with pytest.raises(ValueError, match="choose one of nearest, fewest-parts"):
        current_policy()
    assert set(POLICIES) == {"nearest", "fewest-parts", "safety-stock", "warehouse-first"}
