"""Oscar's product view counts, kept off the product page's path.

Oscar's analytics add one to ``ProductRecord.num_views`` with an UPDATE and a commit on every
product page view (two more writes for a signed-in shopper). Here a view adds one to a counter in
Redis (one HINCRBY, no database), and ``write_product_views`` (Celery beat, every minute) writes
what was counted in one transaction. Without Redis (the embedded default), or while Redis is
down, a view is written as Oscar writes it.
"""

from __future__ import annotations

import logging
import time

import redis
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.db.models import F
from oscar.apps.analytics import receivers as oscar_receivers
from oscar.core.loading import get_model

logger = logging.getLogger(__name__)

Product = get_model("catalogue", "Product")
ProductRecord = get_model("analytics", "ProductRecord")
UserRecord = get_model("analytics", "UserRecord")
UserProductView = get_model("analytics", "UserProductView")


#: Counts wait in Redis at most a day for the beat task (no beat running: they are dropped, so
#: Redis holds a bounded amount), and at most this many signed-in views.
KEEP_UNWRITTEN = 24 * 3600
MAX_UNWRITTEN_USER_VIEWS = 100_000


def _redis():
    """The cache's Redis client, or None when the cache is not Redis."""
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        return None
    return cache._cache.get_client(write=True)


def _keys() -> tuple[str, str]:
    cache = caches["default"]
    return cache.make_key("analytics:product-views"), cache.make_key("analytics:user-views")


def count_product_view(sender, product, user, **kwargs) -> None:
    """Receiver of Oscar's ``product_viewed`` in place of Oscar's own."""
    if kwargs.get("raw", False):
        return
    client = _redis()
    if client is not None:
        counts, user_views = _keys()
        try:
            pipe = client.pipeline(transaction=False)
            pipe.hincrby(counts, product.pk, 1)
            pipe.expire(counts, KEEP_UNWRITTEN)
            if user is not None and user.is_authenticated:
                pipe.rpush(user_views, f"{user.pk}:{product.pk}")
                pipe.ltrim(user_views, -MAX_UNWRITTEN_USER_VIEWS, -1)
                pipe.expire(user_views, KEEP_UNWRITTEN)
            pipe.execute()
            return
        except redis.RedisError as exc:
            logger.warning("product views: Redis unavailable, writing this one now: %s", exc)
    oscar_receivers.receive_product_view(sender, product=product, user=user, **kwargs)


def write_product_views() -> int:
    """Write the views counted in Redis since the last run; returns how many were written."""
    client = _redis()
    if client is None:
        return 0
    counts_key, users_key = _keys()
    pipe = client.pipeline(transaction=True)  # read and empty at once: no view lost between
    pipe.hgetall(counts_key)
    pipe.delete(counts_key)
    pipe.lrange(users_key, 0, -1)
    pipe.delete(users_key)
    raw_counts, _, raw_views, _ = pipe.execute()
    counts = {int(product): int(n) for product, n in raw_counts.items()}
    views = [tuple(int(i) for i in view.split(b":")) for view in raw_views]
    if not counts and not views:
        return 0
    started = time.monotonic()
    try:
        _write(counts, views)
    except Exception:
        # Put them back for the next run rather than lose them.
        pipe = client.pipeline(transaction=False)
        for product, n in counts.items():
            pipe.hincrby(counts_key, product, n)
        for user, product in views:
            pipe.rpush(users_key, f"{user}:{product}")
        pipe.execute()
        raise
    logger.info(
        "product views: %d views of %d products written in %.0f ms",
        sum(counts.values()),
        len(counts),
        (time.monotonic() - started) * 1000,
    )
    return sum(counts.values())


def _write(counts: dict[int, int], views: list[tuple[int, int]]) -> None:
    existing = set(Product.objects.filter(pk__in=counts).values_list("pk", flat=True))
    with transaction.atomic():
        for product, n in counts.items():
            if product not in existing:
                continue  # deleted since it was viewed
            updated = ProductRecord.objects.filter(product_id=product).update(
                num_views=F("num_views") + n
            )
            if not updated:
                ProductRecord.objects.create(product_id=product, num_views=n)
        products = {p for _, p in views}
        users = {u for u, _ in views}
        known_products = set(Product.objects.filter(pk__in=products).values_list("pk", flat=True))
        known_users = set(
            get_user_model().objects.filter(pk__in=users).values_list("pk", flat=True)
        )
        views = [(u, p) for u, p in views if p in known_products and u in known_users]
        UserProductView.objects.bulk_create(
            [UserProductView(user_id=user, product_id=product) for user, product in views]
        )
        per_user: dict[int, int] = {}
        for user, _ in views:
            per_user[user] = per_user.get(user, 0) + 1
        for user, n in per_user.items():
            updated = UserRecord.objects.filter(user_id=user).update(
                num_product_views=F("num_product_views") + n
            )
            if not updated:
                UserRecord.objects.create(user_id=user, num_product_views=n)
