"""Recommendations from every channel: "Buy again" and "Recommended for you" for a shopper who
allowed personalisation, only what is popular for one who did not, "Often bought together"
on product pages for everyone; only products available at my store or for delivery, each with
its reason."""

import re

from django.core.management import call_command
from django.utils import timezone

from apps.recommendations import services
from apps.recommendations.models import Recommendation
from tests.factories import OrderFactory, stock

from .conftest import allow_personalisation, signed_in


def shelf(html: str, kind: str) -> list[tuple[str, str, str]]:
    """(product, reason, availability) of each item of a list on a page, in order."""
    found = re.search(
        rf'<section class="recommendations" id="recommendations-{kind}".*?</section>', html, re.S
    )
    if found is None:
        return []
    items = re.findall(
        r'<a href="[^"]+">([^<]+)</a>.*?recommendation-reason">([^<]+)<.*?text-muted">([^<]+)<',
        found.group(0),
        re.S,
    )
    return items


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_till_purchase_changes_that_customers_buy_again(purchases):
    client = signed_in(purchases["shopper"])
    call_command("compute_recommendations", verbosity=0)
    assert [p for p, _, _ in shelf(home(client), "buy_again")] == ["Desk Lamp"]

    stock(purchases["leeds"], purchases["mug"], 4)
    OrderFactory(
        channel="store",
        store=purchases["leeds"],
        user=purchases["shopper"],
        lines={purchases["mug"]: 1},
    )
    OrderFactory(
        channel="store",
        store=purchases["leeds"],
        user=purchases["shopper"],
        lines={purchases["mug"]: 1},
    )
    call_command("compute_recommendations", verbosity=0)
    assert shelf(home(client), "buy_again") == [
        ("Mug", "You bought it 2 times", "In stock at Omnishop Leeds"),
        (
            "Desk Lamp",
            "You bought it on " + timezone.localdate().strftime("%-d %b %Y"),
            "In stock at Omnishop Leeds",
        ),
    ]


def test_recommended_for_you_says_which_purchase_it_comes_from(purchases):
    services.compute_recommendations()
    page = home(signed_in(purchases["shopper"]))
    # Bulb is bought with the lamp most often, but has no units anywhere: left out.
    assert shelf(page, "for_you")[0] == (
        "Lamp Shade",
        "Because you bought Desk Lamp",
        "In stock at Omnishop Leeds",
    )
    assert "Bulb" not in [p for p, _, _ in shelf(page, "for_you")]


def test_no_recommendation_from_purchases_without_consent(purchases, client):
    services.compute_recommendations()
    neighbour = purchases["neighbour"]
    assert not Recommendation.objects.filter(user=neighbour).exists()
    page = home(signed_in(neighbour))
    assert shelf(page, "buy_again") == [] and shelf(page, "for_you") == []
    assert shelf(page, "popular") == [
        ("Desk Lamp", "Popular at Omnishop Leeds", "In stock at Omnishop Leeds")
    ]
    # Consent withdrawn after the nightly run: the pages stop using the lists at once.
    shopper = purchases["shopper"]
    allow_personalisation(shopper, False)
    page = home(signed_in(shopper))
    assert shelf(page, "buy_again") == [] and "Because you bought" not in page
    assert "Popular at Omnishop Leeds" in page
    # A visitor who is not signed in sees no personal list at all.
    assert 'class="recommendations"' not in client.get("/").content.decode()


def test_only_products_available_at_my_store_or_for_delivery(purchases):
    services.compute_recommendations()
    shopper = purchases["shopper"]
    # The kettle was bought, but none is left: not offered again...
    assert [p for p, _, _ in shelf(home(signed_in(shopper)), "buy_again")] == ["Desk Lamp"]
    # ...until the warehouse has some.
    stock(purchases["warehouse"], purchases["kettle"], 5)
    assert ("Kettle", "Available for delivery") in [
        (p, where) for p, _, where in shelf(home(signed_in(shopper)), "buy_again")
    ]
    # The shade is only at Leeds: a shopper whose store is York is not offered it.
    at_leeds = [p for p, _, _ in shelf(home(signed_in(shopper)), "for_you")]
    at_york = [p for p, _, _ in shelf(home(signed_in(shopper, "york")), "for_you")]
    assert "Lamp Shade" in at_leeds and "Lamp Shade" not in at_york


def test_often_bought_together_on_the_product_page_for_everyone(purchases, client):
    services.compute_recommendations()
    lamp = purchases["lamp"]
    client.post("/stores/leeds/choose/")
    page = client.get(lamp.get_absolute_url()).content.decode()
    assert shelf(page, "bought-with") == [
        ("Lamp Shade", "Often bought with Desk Lamp", "In stock at Omnishop Leeds")
    ]
    # The page is kept for visitors: the list follows the stock all the same.
    stock(purchases["warehouse"], purchases["bulb"], 2)
    page = client.get(lamp.get_absolute_url()).content.decode()
    assert [p for p, _, _ in shelf(page, "bought-with")] == ["Bulb", "Lamp Shade"]


def test_the_account_page_shows_the_shoppers_lists(purchases):
    services.compute_recommendations()
    page = signed_in(purchases["shopper"]).get("/accounts/profile/").content.decode()
    assert [p for p, _, _ in shelf(page, "buy_again")] == ["Desk Lamp"]
    assert shelf(page, "for_you")[0][1] == "Because you bought Desk Lamp"
