"""Oscar's search and category listings, with products loaded per page in bulk.

Haystack hands each result's product over one query at a time (about six queries per product
on Oscar's category page). Ours loads the page's products with their cards' keys at once (the
cards are kept rendered: ``omnishop_tags.product_cards``) and adds the shopper's store: a badge
on each card and an "available at my store" filter.
"""

from django.db import transaction
from django.utils.decorators import method_decorator
from oscar.apps.search.views import base

from apps.inventory.selectors import load_search_results, product_ids_available_at
from apps.storefront.fragments import KeptPage
from apps.storefront.selectors import cards_parts, holder
from apps.stores.my_store import my_store


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class BaseSearchView(KeptPage, base.BaseSearchView):
    """Oscar's listing, kept whole for a visitor with nothing of their own on it
    (``KeptPage``): the key names each card's values, the number of results and the facets.
    It writes nothing, so it needs no transaction of its own."""

    #: The page's products are loaded by ``load_search_results``, not by Haystack as well.
    load_all = False
    kept_with_query = True

    def only_my_store(self) -> bool:
        return self.request.GET.get("at_my_store") == "1" and my_store(self.request) is not None

    def get_queryset(self):
        sqs = super().get_queryset()
        if self.only_my_store():
            ids = product_ids_available_at(my_store(self.request))
            sqs = sqs.filter(django_id__in=[str(i) for i in ids]) if ids else sqs.none()
            self.queryset = sqs
        return sqs

    def get_context_data(self, *args, **kwargs):
        ctx = super().get_context_data(*args, **kwargs)
        load_search_results(
            list(ctx["page_obj"].object_list),
            store=my_store(self.request),
            holder=holder(self.request),
        )
        ctx["only_my_store"] = self.only_my_store()
        return ctx

    def kept_page_parts(self, context):
        page = context.get("page_obj")
        if page is None:  # the form refused the query: its errors are shown
            return None
        cards = cards_parts(self.request, [result.object for result in page.object_list])
        if cards is None:
            return None
        return (
            cards,
            context["paginator"].count,
            context.get("facet_data"),
            context["only_my_store"],
        )
