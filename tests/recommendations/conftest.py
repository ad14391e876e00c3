"""A shop with purchases in every channel, for the recommendations' tests.

Other customers: a web delivery of lamp + bulb, a till sale at York of lamp + bulb, a collect
order at York of lamp + shade (lamp is bought with bulb in 2 orders, with shade in 1). The
shopper (personalisation allowed) collected a lamp at Leeds and had a kettle delivered; the
neighbour (no consent) collected a lamp at Leeds. Bulb and kettle have no units left anywhere;
shade is on the shelf at Leeds only."""

import pytest
from django.test import Client

from apps.order import statuses
from apps.profiles import consent
from tests.factories import OrderFactory, ProductFactory, UserFactory, stock


def allow_personalisation(user, allowed=True):
    consent.record(user=user, channel=consent.PERSONALISATION, granted=allowed, source="account")


def signed_in(user, store_code="leeds") -> Client:
    client = Client()
    client.force_login(user)
    if store_code:
        client.post(f"/stores/{store_code}/choose/")
    return client


@pytest.fixture
def purchases(shop):
    leeds, york, lamp = shop["leeds"], shop["york"], shop["lamp"]
    bulb, shade, kettle, mug = (
        ProductFactory(title=title) for title in ("Bulb", "Lamp Shade", "Kettle", "Mug")
    )
    OrderFactory(delivery=True, lines={lamp: 1, bulb: 1})
    OrderFactory(channel="store", store=york, lines={lamp: 1, bulb: 1})
    OrderFactory(store=york, lines={lamp: 1, shade: 1})
    shopper, neighbour = UserFactory(), UserFactory()
    allow_personalisation(shopper)
    OrderFactory(store=leeds, user=shopper, lines={lamp: 1}, status=statuses.COLLECTED)
    OrderFactory(delivery=True, user=shopper, lines={kettle: 1})
    OrderFactory(store=leeds, user=neighbour, lines={lamp: 1}, status=statuses.COLLECTED)
    stock(leeds, shade, 3)
    stock(leeds, lamp, 5)
    return {
        **shop,
        "bulb": bulb,
        "shade": shade,
        "kettle": kettle,
        "mug": mug,
        "shopper": shopper,
        "neighbour": neighbour,
    }
