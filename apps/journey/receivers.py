"""The storefront's journey steps, as Oscar announces them: a product page viewed by a shopper
who chose a store (the page shows that store's availability), and a product added to the
basket with a store chosen. Nothing about the shopper is kept: ``services.count_step``."""

from apps.stores.my_store import my_store

from . import services
from .models import StepCount


def product_viewed(sender, product, user, request, response=None, **kwargs) -> None:
    if response is not None and response.status_code != 200:
        return
    store = my_store(request)
    if store is not None:
        services.count_step(kind=StepCount.Kind.VIEWED, location_id=store.pk, product_id=product.pk)


def added_to_basket(sender, product, user, request, **kwargs) -> None:
    store = my_store(request)
    if store is not None:
        services.count_step(kind=StepCount.Kind.ADDED, location_id=store.pk, product_id=product.pk)
