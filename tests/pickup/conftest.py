import pytest
from oscar.core.loading import get_model

from tests.checkout.conftest import add_to_basket, choose_collect, place_order, start_guest_checkout


@pytest.fixture
def order(shop, client):
    """A guest's placed click-and-collect order for two lamps at the Leeds store."""
    add_to_basket(client, shop["lamp"], quantity=2)
    start_guest_checkout(client)
    choose_collect(client, "leeds")
    place_order(client)
    client.logout()
    return get_model("order", "Order").objects.get()


def pick_all(order, by):
    """The picker confirms every line still to pick."""
    from apps.pickup import services

    for line in services.unconfirmed_lines(order):
        services.confirm_line(order=order, line=line, by=by)
