from django import template
from django.utils.safestring import mark_safe

from apps.checkout.services import basket_collect_status as collect_status
from apps.inventory.availability import product_availability as lookup
from apps.order import pickup_codes
from apps.order.selectors import pickup_progress as progress
from apps.storefront import menu
from apps.stores.hours import in_words, ready_time
from apps.stores.my_store import my_store

register = template.Library()


@register.simple_tag(takes_context=True)
def product_availability(context, product):
    """Availability of a product at the shopper's store, nearby stores and for delivery (looked
    up once a page: the product page says it in two places)."""
    request = context["request"]
    known = request.__dict__.setdefault("_product_availability", {})
    if product.pk not in known:
        known[product.pk] = lookup(product=product, store=my_store(request))
    return known[product.pk]


@register.simple_tag
def menu_categories() -> list[tuple[str, str]]:
    """The menu's top-level categories: (name, address) pairs (``apps.storefront.menu``)."""
    return menu.top_categories()


@register.simple_tag(takes_context=True)
def basket_collect_status(context, basket):
    """Whether each basket line can be collected at the shopper's store (None: no store)."""
    store = my_store(context["request"])
    if store is None or basket.is_empty:
        return None
    return collect_status(basket, store)


@register.simple_tag
def pickup_progress(order):
    return progress(order)


@register.filter
def pickup_qr(code):
    return mark_safe(pickup_codes.qr_svg(code)) if code else ""  # noqa: S308 - segno's own SVG


@register.filter
def pickup_qr_data_uri(code):
    return pickup_codes.qr_png_data_uri(code) if code else ""


@register.filter
def store_units(product):
    """Available to sell at the shopper's store, when the listing loaded it (else None)."""
    return getattr(product, "my_store_units", None)


@register.simple_tag(takes_context=True)
def my_store_ready(context) -> str:
    """When an order placed now could be collected at the shopper's store ("today at 15:00"),
    worked out once a page; "" without a store that collects."""
    request = context["request"]
    if not hasattr(request, "_my_store_ready"):
        store = my_store(request)
        when = ready_time(store) if store is not None and store.click_and_collect else None
        request._my_store_ready = in_words(when) if when else ""
    return request._my_store_ready


#: Facet values that narrow nothing down.
MEANINGLESS = {"", "none", "null", "n/a"}


def useful_facet_items(items) -> list:
    """A facet's values worth showing: none that says nothing ("None"), and none at all when
    only one value is left to pick (every product is of that type) and it is not selected."""
    kept = [item for item in items if str(item.get("name", "")).strip().lower() not in MEANINGLESS]
    pickable = [item for item in kept if not item.get("disabled")]
    if len(pickable) < 2 and not any(item.get("selected") for item in kept):
        return []
    return kept


@register.simple_tag
def useful_facets(facet_data) -> list[dict]:
    """Oscar's facets (``facet_data``) less those that narrow nothing down."""
    facets = []
    for data in (facet_data or {}).values():
        items = useful_facet_items(data.get("results") or [])
        if items:
            facets.append({"name": data["name"], "items": items})
    return facets


@register.simple_tag(takes_context=True)
def my_store_filter_url(context, on: bool):
    """This listing's URL with the "available at my store" filter switched on or off."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    params.pop("at_my_store", None)
    if on:
        params["at_my_store"] = "1"
    return f"?{params.urlencode()}" if params else context["request"].path


@register.filter
def pickup_code_display(code):
    return pickup_codes.display(code)


@register.filter
def in_minutes(duration) -> str:
    """A timedelta as "15 minutes" (or "1 minute")."""
    minutes = max(round(duration.total_seconds() / 60), 1)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
