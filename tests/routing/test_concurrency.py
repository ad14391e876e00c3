"""Ship-to-store orders racing for a source's last units on PostgreSQL, with real concurrent
transactions: no unit is promised twice, not to another shipped order, not to the till."""

import pytest
from oscar.core.loading import get_model

from apps.checkout import services as checkout
from apps.inventory import services as stock
from apps.inventory.models import Transfer
from apps.inventory.selectors import ledger_drift
from apps.routing.policies import NearestWithEverything
from apps.routing.selectors import route_to_store
from apps.shipping.methods import CollectInStore
from tests.factories import StoreStaffFactory, UserFactory
from tests.races import together

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 8


def shipped_order(net, user, route):
    wanted = {net["kettle"].pk: 1}
    basket = checkout.fill_basket(owner=user, quantities=wanted, location=net["leeds"])
    checkout.place_order(
        basket=basket,
        user=user,
        channel=Order.Channel.WEB,
        location=net["leeds"],
        shipping_method=CollectInStore(),
        pickup=checkout.Pickup(net["leeds"], "Ann Other"),
        route=route,
    )


def test_shoppers_racing_for_a_sources_last_units_get_one_order_each_unit(postgres, net):
    route = route_to_store(net["leeds"], {net["kettle"].pk: 1}, policy=NearestWithEverything())
    assert route.parts[0].transfers[0].location == net["york"]  # York has 3
    users = [UserFactory() for _ in range(RACERS)]
    outcomes = together(
        *(lambda u=u: shipped_order(net, u, route) for u in users),
        refusals={stock.InsufficientStock: "refused"},
    )
    assert outcomes.count("ok") == 3 and outcomes.count("refused") == RACERS - 3
    york = StockRecord.objects.get(partner_id=net["york"].partner_id, product=net["kettle"])
    assert (york.num_in_stock, york.num_allocated) == (3, 3)
    assert Order.objects.count() == Transfer.objects.count() == 3
    assert list(ledger_drift()) == []


def test_the_till_never_sells_units_promised_to_a_shipped_order(postgres, net):
    route = route_to_store(net["leeds"], {net["kettle"].pk: 1}, policy=NearestWithEverything())
    users = [UserFactory() for _ in range(RACERS // 2)]
    cashier = StoreStaffFactory(location=net["york"]).user

    def till():
        checkout.sell_at_till(location=net["york"], quantities={net["kettle"].pk: 1}, by=cashier)

    outcomes = together(
        *(lambda u=u: shipped_order(net, u, route) for u in users),
        *([till] * (RACERS // 2)),
        refusals={stock.InsufficientStock: "refused"},
    )
    york = StockRecord.objects.get(partner_id=net["york"].partner_id, product=net["kettle"])
    shipped = Order.objects.filter(pickup_location=net["leeds"]).count()
    sold = Order.objects.filter(channel=Order.Channel.STORE).count()
    assert outcomes.count("ok") == shipped + sold == 3
    assert york.num_in_stock == 3 - sold and york.num_allocated == shipped
    assert list(ledger_drift()) == []


def test_a_cancel_racing_the_receipt_puts_every_unit_on_sale_at_the_store(postgres, net):
    from apps.pickup import services as pickup

    route = route_to_store(net["leeds"], {net["kettle"].pk: 1}, policy=NearestWithEverything())
    shopper = UserFactory()
    shipped_order(net, shopper, route)
    order = Order.objects.get()
    transfer = stock.ship_transfer(transfer=Transfer.objects.get())
    leeds_staff = StoreStaffFactory(location=net["leeds"]).user

    outcomes = together(
        lambda: pickup.cancel_by_shopper(order=order, by=shopper),
        lambda: stock.receive_transfer(transfer=transfer, by=leeds_staff),
        refusals={},
    )
    assert outcomes == ["ok", "ok"]  # neither waits for the other forever
    order.refresh_from_db()
    assert order.status == "Cancelled"
    leeds = StockRecord.objects.get(partner_id=net["leeds"].partner_id, product=net["kettle"])
    assert (leeds.num_in_stock, leeds.num_allocated) == (1, 0)  # arrived, on sale
    assert list(ledger_drift()) == []
