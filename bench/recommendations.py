"""Recommendations on a busy shop: 20,000 orders (collect, till and delivery) of 1 to 5 lines
among 500 products by 4,000 customers (half allowed personalisation); how long the nightly
``compute_recommendations`` takes, how many rows it writes, and what the blocks cost the home
page (a signed-in shopper) and the product page (a visitor), latency and queries."""

import random
import time

from _setup import QueryCounter, percentiles, setup

setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.sites.models import Site  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from oscar.core.loading import get_model  # noqa: E402

from apps.profiles.models import Consent  # noqa: E402
from apps.recommendations import services  # noqa: E402
from apps.recommendations.models import Recommendation  # noqa: E402
from apps.stores.models import Location  # noqa: E402

Order = get_model("order", "Order")
Line = get_model("order", "Line")
Product = get_model("catalogue", "Product")
User = get_user_model()
ORDERS, CUSTOMERS, REQUESTS = 20_000, 4_000, 50


def shop_history():
    call_command("load_demo", "--products", "500", "--no-index", "--no-progress", verbosity=0)
    rng = random.Random(7)
    products = list(Product.objects.filter(is_public=True).values_list("pk", "title"))
    stores = list(Location.objects.filter(kind=Location.Kind.STORE))
    users = User.objects.bulk_create(
        User(username=f"bench{i}@example.com", email=f"bench{i}@example.com")
        for i in range(CUSTOMERS)
    )
    now = timezone.now()
    Consent.objects.bulk_create(
        Consent(user=u, channel=Consent.PERSONALISATION, granted=True, updated_at=now)
        for u in users[::2]
    )
    site = Site.objects.get_current()
    orders = Order.objects.bulk_create(
        Order(
            number=f"R{i:06d}",
            site=site,
            currency="GBP",
            total_incl_tax=10,
            total_excl_tax=10,
            shipping_incl_tax=0,
            shipping_excl_tax=0,
            status="Collected",
            channel=rng.choice(["web", "web", "store"]),
            pickup_location=rng.choice(stores + [None]),
            user=rng.choice(users),
            date_placed=now - timezone.timedelta(days=rng.randint(0, 120)),
        )
        for i in range(ORDERS)
    )
    Line.objects.bulk_create(
        (
            Line(
                order=order,
                product_id=pk,
                title=title,
                partner_name="bench",
                partner_sku=str(pk),
                quantity=1,
                num_allocated=0,
                line_price_incl_tax=10,
                line_price_excl_tax=10,
                line_price_before_discounts_incl_tax=10,
                line_price_before_discounts_excl_tax=10,
            )
            for order in orders
            # popular products more often: a few bestsellers and a long tail
            for pk, title in {
                products[min(int(rng.expovariate(1 / 60)), len(products) - 1)]
                for _ in range(rng.randint(1, 5))
            }
        ),
        batch_size=5000,
    )
    return users[0]


def measure(client, label, url):
    client.get(url)
    with QueryCounter() as captured:
        assert client.get(url).status_code == 200
    samples = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    median, p95 = percentiles(samples)
    print(f"{label}: median {median:.0f} ms, p95 {p95:.0f} ms, {captured.count} queries")


def main():
    shopper = shop_history()
    print(f"{Line.objects.count():,} order lines in {ORDERS:,} orders")
    started = time.perf_counter()
    done = services.compute_recommendations()
    print(f"compute_recommendations: {time.perf_counter() - started:.1f} s ({done})")
    print(f"{Recommendation.objects.count():,} rows")
    client = Client()
    client.force_login(shopper)
    client.post("/stores/leeds/choose/")
    measure(client, "home, signed in with consent, Buy again and Recommended for you", "/")
    bestseller = Recommendation.objects.filter(kind="bought_with").values("product").first()
    url = Product.objects.get(pk=bestseller["product"]).get_absolute_url()
    visitor = Client()
    visitor.post("/stores/leeds/choose/")
    measure(visitor, "product page, visitor, Often bought together", url)


if __name__ == "__main__":
    main()
