"""Server time of a guest's click-and-collect checkout, from the basket to the confirmation,
one shopper at a time (for bench/compare_oscar.sh, or any running shop):

    python bench/checkout_time.py BASE_URL [CHECKOUTS] [STORE_CODE]     # defaults 30, leeds

Django is set up from the environment (the shop's own database: the script tops up the
store's stock of the product it buys, so every checkout can succeed). Each checkout is a new
visitor: add to basket, the basket, checkout (guest), the store choice, the review, place the
order, the thank-you page; the time of each response on this machine stands for the server's.
Prints the median and p90 of the whole journey and the median of each step, in ms.
"""

import os
import statistics
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django  # noqa: E402

django.setup()
from _visitor import Visitor  # noqa: E402
from django.urls import reverse  # noqa: E402
from oscar.core.loading import get_model  # noqa: E402

from apps.inventory import services as stock  # noqa: E402
from apps.stores.models import Location  # noqa: E402

Product = get_model("catalogue", "Product")
base = sys.argv[1].rstrip("/")
checkouts = int(sys.argv[2]) if len(sys.argv) > 2 else 30
store = Location.objects.get(code=sys.argv[3] if len(sys.argv) > 3 else "leeds")
product = Product.objects.filter(stockrecords__partner=store.partner).order_by("pk").first()
stock.receive(location=store, quantities={product.pk: checkouts}, note="checkout_time.py")

steps = defaultdict(list)
journeys = []
for n in range(checkouts):
    visitor = Visitor(base)
    visitor.fetch(product.get_absolute_url())  # the product page (not timed): its form's token
    journey = [
        ("add to basket", reverse("basket:add", args=[product.pk]), {"quantity": 1}, 302),
        ("basket", reverse("basket:summary"), None, 200),
        ("checkout", reverse("checkout:index"), None, 200),
        (
            "checkout as guest",
            reverse("checkout:index"),
            {"username": f"timing{n}@example.com", "options": "anonymous"},
            302,
        ),
        ("store choice", reverse("checkout:fulfilment"), None, 200),
        (
            "choose the store",
            reverse("checkout:fulfilment"),
            {"method": "collect", "store": store.code, "name": f"Shopper {n}"},
            302,
        ),
        ("review", reverse("checkout:preview"), None, 200),
        ("place order", reverse("checkout:preview"), {"action": "place_order"}, 302),
        ("thank you", reverse("checkout:thank-you"), None, 200),
    ]
    total = 0.0
    for step, path, data, expected in journey:
        status, location, _, ms = visitor.fetch(path, data)
        if status != expected:
            sys.exit(f"checkout {n}: {step} answered {status} {location}, not {expected}")
        steps[step].append(ms)
        total += ms
    journeys.append(total)

journeys.sort()
p90 = journeys[min(len(journeys) - 1, round(0.9 * (len(journeys) - 1)))]
print(
    f"CHECKOUT n={checkouts} p50={statistics.median(journeys):.0f}ms p90={p90:.0f}ms "
    + " ".join(f"{s.replace(' ', '_')}={statistics.median(v):.0f}" for s, v in steps.items())
)
