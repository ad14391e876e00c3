"""Working out the recommendations (``Recommendation``) from purchases in every channel.

Every order counts whatever its channel: web and app orders delivered or collected, and till
sales (orders in the ``store`` channel, the shopper known when the till attached their
account). Orders cancelled or never collected do not. From them, in one pass:

- often bought together: for each product, the products bought in the same orders (co-purchase
  counts), most orders first;
- buy again: each shopper's products, most often bought first, then most lately;
- recommended for you: the products often bought with the shopper's own, summed over what they
  bought, less what they already have; the reason is the product of theirs that counts most;
- popular: the products in most orders of the last ``POPULAR_DAYS`` days at each store (collect
  and till) and everywhere.

Buy again and recommended for you are worked out only for shoppers who allowed
personalisation (``apps.profiles.consent``); the pages ask again before showing them.
Everything is replaced in one transaction, so pages read either the old lists or the new."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from apps.order import statuses
from apps.profiles import consent
from apps.profiles.models import Consent
from config.cache import CacheVersion

from .models import Recommendation

logger = logging.getLogger(__name__)
Line = get_model("order", "Line")
Kind = Recommendation.Kind

#: Orders that ended without the shopper having the goods.
NOT_BOUGHT = (statuses.CANCELLED, statuses.NOT_COLLECTED)
#: Rows kept per list: more than a page shows, so that some are left once the products not
#: available at the shopper's store or for delivery are left out.
KEEP = 12
POPULAR_DAYS = 90
#: Products of one order paired with each other (a huge order says little about pairs).
MAX_PAIRED_PER_ORDER = 50

#: Replaced when the lists are: the pages' kept "often bought together" ids are read again.
VERSION = CacheVersion("recommendations:version")


@dataclass
class Computed:
    orders: int = 0
    bought_with: int = 0
    buy_again: int = 0
    for_you: int = 0
    popular: int = 0
    seconds: float = 0.0

    def __str__(self):
        return (
            f"{self.orders} orders read: {self.bought_with} often bought together, "
            f"{self.buy_again} buy again, {self.for_you} recommended for you, "
            f"{self.popular} popular, in {self.seconds:.1f} s"
        )


def _top(counts: Counter, keep: int = KEEP) -> list[tuple[int, int]]:
    """The ``keep`` largest counts, ties by the smaller product id (the same every run)."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:keep]


def compute_recommendations(*, now: dt.datetime | None = None) -> Computed:
    """Every list worked out anew from the purchases so far, and written in one transaction."""
    started = time.monotonic()
    now = now or timezone.now()
    popular_since = now - dt.timedelta(days=POPULAR_DAYS)
    personal = set(
        Consent.objects.filter(
            channel=consent.PERSONALISATION, granted=True, user__is_active=True
        ).values_list("user_id", flat=True)
    )

    lines = (
        Line.objects.exclude(order__status__in=NOT_BOUGHT)
        .filter(product__isnull=False)
        .values_list(
            "order_id",
            "order__user_id",
            "product_id",
            "order__date_placed",
            "order__pickup_location_id",
            "order__till_sale__location_id",
        )
        .order_by("order_id")
    )
    in_order: dict[int, set[int]] = defaultdict(set)
    bought: dict[int, Counter] = defaultdict(Counter)  # shopper -> product -> orders
    last: dict[tuple[int, int], dt.datetime] = {}
    popular: dict[int | None, Counter] = defaultdict(Counter)  # store (None: all) -> product
    for order_id, user_id, product_id, placed, pickup_at, till_at in lines.iterator(5000):
        if product_id in in_order[order_id]:
            continue  # one product on two lines of an order counts once
        in_order[order_id].add(product_id)
        if user_id in personal:
            bought[user_id][product_id] += 1
            key = (user_id, product_id)
            last[key] = max(last.get(key, placed), placed)
        if placed >= popular_since:
            popular[None][product_id] += 1
            store = pickup_at or till_at
            if store is not None:
                popular[store][product_id] += 1

    together: dict[int, Counter] = defaultdict(Counter)
    for products in in_order.values():
        paired = sorted(products)[:MAX_PAIRED_PER_ORDER]
        for a in paired:
            for b in paired:
                if a != b:
                    together[a][b] += 1
    top_with = {product: _top(counts) for product, counts in together.items()}

    rows: list[Recommendation] = []
    done = Computed(orders=len(in_order))

    def add(kind, rank, item, **fields):
        rows.append(Recommendation(kind=kind, rank=rank, item_id=item, computed_at=now, **fields))

    for product, pairs in top_with.items():
        for rank, (other, n) in enumerate(pairs, 1):
            add(Kind.BOUGHT_WITH, rank, other, product_id=product, orders=n)
            done.bought_with += 1
    for store, counts in popular.items():
        for rank, (product, n) in enumerate(_top(counts), 1):
            add(Kind.POPULAR, rank, product, location_id=store, orders=n)
            done.popular += 1
    for user, counts in bought.items():
        mine = sorted(counts, key=lambda p: (-counts[p], -last[user, p].timestamp(), p))
        for rank, product in enumerate(mine[:KEEP], 1):
            add(
                Kind.BUY_AGAIN,
                rank,
                product,
                user_id=user,
                orders=counts[product],
                last_bought=last[user, product],
            )
            done.buy_again += 1
        score: Counter = Counter()
        because: dict[int, tuple[int, float, int]] = {}  # item -> (pair count, when, product)
        for product in counts:
            for other, n in top_with.get(product, []):
                if other in counts:
                    continue
                score[other] += n
                reason = (n, last[user, product].timestamp(), product)
                because[other] = max(because.get(other, reason), reason)
        for rank, (item, n) in enumerate(_top(score), 1):
            add(Kind.FOR_YOU, rank, item, user_id=user, orders=n, because_id=because[item][2])
            done.for_you += 1

    with transaction.atomic():
        Recommendation.objects.all().delete()
        Recommendation.objects.bulk_create(rows, batch_size=2000)
        VERSION.changed()
    done.seconds = time.monotonic() - started
    logger.info("recommendations: %s", done)
    return done
