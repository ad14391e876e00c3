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
