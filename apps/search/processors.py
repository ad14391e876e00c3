"""Haystack's signal processor for the shop: a change to a product, its stock records (the
index keeps the warehouse's price) or its categories queues the product for
``tasks.update_product_index`` once the change commits, never during the request.

The products a transaction changes are gathered into one task (per ``BATCH`` products),
each product once, sent after the commit; a rolled-back change sends nothing. A broker that
cannot be reached is logged, and the change stands: ``update_index`` catches up.
"""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from haystack.signals import BaseSignalProcessor
from oscar.core.loading import get_model

logger = logging.getLogger(__name__)

#: At most this many products per task.
BATCH = 500


class ProductsToIndex:
    """The products a transaction changed; called once after it commits."""

    def __init__(self):
        self.ids: set[int] = set()
        self.sent = False

    def __call__(self):
        from apps.search.tasks import update_product_index

        self.sent = True
        ids = sorted(self.ids)
        for start in range(0, len(ids), BATCH):
            try:
                update_product_index.delay(ids[start : start + BATCH])
            except Exception:
                logger.exception("could not queue %s products for the search index", len(ids))
                return


def queue_products(product_ids, using: str = "default") -> None:
    """Index these products again after the current transaction commits (at once outside
    one). Within a transaction they join the products already waiting for its commit."""
    ids = {pk for pk in product_ids if pk is not None}
    if not ids:
        return
    connection = transaction.get_connection(using)
    if connection.in_atomic_block:
        # The commit hooks waiting on this transaction (Django drops them on a rollback).
        for _savepoints, hook, *_ in connection.run_on_commit:
            if isinstance(hook, ProductsToIndex) and not hook.sent:
                hook.ids |= ids
                return
    waiting = ProductsToIndex()
    waiting.ids |= ids
    transaction.on_commit(waiting, using=using)


def changed_products(instance) -> set[int]:
    if isinstance(instance, get_model("catalogue", "Product")):
        return {instance.pk, instance.parent_id}
    return {instance.product_id}


class QueuedSignalProcessor(BaseSignalProcessor):
    def watched(self):
        return [
            get_model("catalogue", "Product"),
            get_model("catalogue", "ProductCategory"),
            get_model("partner", "StockRecord"),
        ]

    def setup(self):
        for model in self.watched():
            post_save.connect(self.handle_save, sender=model, dispatch_uid=f"search-{model}")
            post_delete.connect(self.handle_delete, sender=model, dispatch_uid=f"search-{model}")

    def teardown(self):
        for model in self.watched():
            post_save.disconnect(sender=model, dispatch_uid=f"search-{model}")
            post_delete.disconnect(sender=model, dispatch_uid=f"search-{model}")

    def handle_save(self, sender, instance, using="default", **kwargs):
        queue_products(changed_products(instance), using=using)

    def handle_delete(self, sender, instance, using="default", **kwargs):
        queue_products(changed_products(instance), using=using)
