"""The search index's Celery task: products changed, indexed again by a worker (in-process on
the embedded default), never by the web process that changed them."""

from celery import shared_task

from apps.search import indexing


@shared_task(autoretry_for=(OSError,), retry_backoff=10, max_retries=5)
def update_product_index(product_ids: list[int]) -> dict[str, int]:
    return indexing.update_products(product_ids)
