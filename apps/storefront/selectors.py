"""Reads for the storefront's pages, in a fixed number of queries."""

from django.db.models import Count, Q
from oscar.core.loading import get_model

from apps.checkout.services import BasketCollectStatus
from apps.checkout.services import basket_collect_status as collect_status
from apps.inventory import holds
from apps.inventory.availability import ProductAvailability, product_availability
from apps.inventory.selectors import card_queryset, holds_on, with_store_units
from apps.stores.hours import in_words, ready_time
from apps.stores.my_store import my_store
from config.cache import kept

from . import fragments

Category = get_model("catalogue", "Category")


def featured_categories(limit: int = 12):
    """Top-level categories that have public products, with a count of them."""
    return (
        Category.objects.get_root_nodes()
        .filter(is_public=True)
        .annotate(n_products=Count("product", filter=Q(product__is_public=True)))
        .filter(n_products__gt=0)
        .order_by("name")[:limit]
    )


def holder(request) -> int | None:
    """The shopper's basket, whose own flash-sale holds are theirs to buy (None with holds off:
    the basket is then not read for it)."""
    if not holds_on():
        return None
    return request.basket.pk or None


def featured_products(*, store=None, limit: int = 8, holder=None):
    """Newest public products, with my store's availability when there is one (``holder``'s
    own holds included)."""
    products = (
        card_queryset().browsable().filter(is_public=True).order_by("-date_created", "-pk")[:limit]
    )
    return with_store_units(products, store, holder=holder)


def availability_for(request, product, *, named=None, units=None) -> ProductAvailability:
    """Availability of a product at the shopper's store, nearby stores and for delivery, looked
    up once a request (the product page says it in several places); ``named`` and ``units``
    as ``product_availability`` takes them, when the page read them with the product."""
    found = request.__dict__.setdefault("_product_availability", {})
    if product.pk not in found:
        found[product.pk] = product_availability(
            product=product, store=my_store(request), named=named, units=units
        )
    return found[product.pk]


def stock_record_shown(record) -> tuple:
    """What a page shows of a stock record (its price and stock), as plain values."""
    if record is None:
        return ()
    return (
        record.pk,
        record.price,
        record.price_currency,
        record.num_in_stock,
        record.num_allocated,
    )


def my_store_ready(request) -> str:
    """When an order placed now could be collected at the shopper's store ("today at 15:00"),
    worked out once a request; "" without a store that collects."""
    if "_my_store_ready" not in request.__dict__:
        store = my_store(request)
        when = ready_time(store) if store is not None and store.click_and_collect else None
        request._my_store_ready = in_words(when) if when else ""
    return request._my_store_ready


def card_parts(request, product) -> tuple:
    """Every value a product card is rendered from beyond the catalogue's rows: the product's
    row, its price and stock for delivery, my store, its units there and when a pickup would
    be ready."""
    store = my_store(request)
    return (
        product.pk,
        product.date_updated,
        stock_record_shown(request.strategy.select_stockrecord(product)),
        store and store.pk,
        getattr(product, "my_store_units", None),
        my_store_ready(request),
    )


def cards_parts(request, products) -> tuple | None:
    """``card_parts`` of each card of a page; None when one cannot be named that way (a parent,
    priced from its children; a product gone from the database)."""
    if any(product is None or product.is_parent for product in products):
        return None
    return tuple(card_parts(request, product) for product in products)


def product_page_parts(request, product) -> tuple:
    """Every value a product page's main part is rendered from beyond the catalogue's rows:
    the product's row, its price and stock (a parent's: each child's) and what is said of its
    availability."""
    strategy = request.strategy
    if product.is_parent:
        children = product.children.prefetch_related("stockrecords")
        stock = tuple(
            (child.pk, child.date_updated, stock_record_shown(strategy.select_stockrecord(child)))
            for child in children
        )
    else:
        stock = stock_record_shown(strategy.select_stockrecord(product))
    return (product.pk, product.date_updated, stock, availability_for(request, product).shown)


def recommended_products(request, product, limit: int = 6) -> list:
    """The products recommended with this one, in ranking order, with my store's availability:
    their ids kept per catalogue version (no query when a product has none, as most do); read
    once a request."""
    known = request.__dict__.setdefault("_recommended_products", {})
    if product.pk not in known:
        known[product.pk] = _recommended_products(request, product, limit)
    return known[product.pk]


def _recommended_products(request, product, limit: int) -> list:
    version = fragments.request_version(request)
    ids = kept(
        f"storefront:recommended:{version}:{product.pk}",
        lambda: list(
            product.primary_recommendations.order_by("-ranking", "pk").values_list(
                "recommendation_id", flat=True
            )[:limit]
        ),
        fragments.TTL,
        versions=tuple(version.split(":")),
    )
    if not ids:
        return []
    found = card_queryset().filter(is_public=True).in_bulk(ids)
    return with_store_units(
        [found[i] for i in ids if i in found], my_store(request), holder=holder(request)
    )


def basket_collect_status(request, basket) -> BasketCollectStatus | None:
    """Whether each basket line can be collected at the shopper's store (None: no store), and
    the nearest store with everything when it cannot; worked out once a request."""
    if "_basket_collect_status" not in request.__dict__:
        store = my_store(request)
        empty = store is None or basket.is_empty
        request._basket_collect_status = None if empty else collect_status(basket, store)
    return request._basket_collect_status


def basket_holds(request, basket) -> dict[int, tuple[int, str]]:
    """The units held for this basket at the shopper's store and until when in the store's
    time ("14:32"), by product id; read once a request (no query with holds off)."""
    if "_basket_holds" not in request.__dict__:
        store = my_store(request)
        found = holds.basket_holds(basket, location=store) if store is not None else {}
        request._basket_holds = {
            pid: (hold.quantity, holds.local_time(hold.expires_at, store))
            for pid, hold in found.items()
        }
    return request._basket_holds


def basket_page_parts(request, basket, checkout_session) -> tuple:
    """Every value the basket page is rendered from beyond the catalogue's rows: each line
    (its product's row, options, quantity, the price it was added at, the warehouse's price
    and stock now), my store with what it has of each line (and the store with everything
    when it lacks some), when a pickup would be ready, what is held for the basket until when
    and how the shopper chose to be served."""
    strategy = request.strategy
    lines = tuple(
        (
            line.pk,
            line.product_id,
            line.product.date_updated,
            line.quantity,
            line.price_excl_tax,
            line.price_incl_tax,
            line.stockrecord_id,
            tuple((a.option_id, a.value) for a in line.attributes.all()),
            stock_record_shown(strategy.select_stockrecord(line.product)),
        )
        for line in basket.all_lines()
    )
    status = basket_collect_status(request, basket)
    store = my_store(request)
    return (
        basket.pk,
        lines,
        store and store.pk,
        status
        and (tuple(units for _, units in status.lines), getattr(status.alternative, "pk", 0)),
        my_store_ready(request),
        tuple(sorted(basket_holds(request, basket).items())),
        checkout_session.is_fulfilment_chosen(),
        checkout_session.collect_location_id(),
    )
