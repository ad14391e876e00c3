from django import template
from django.utils.safestring import mark_safe

from apps.checkout.services import basket_collect_status as collect_status
from apps.inventory.availability import product_availability as lookup
from apps.order import pickup_codes
from apps.order.selectors import pickup_progress as progress
from apps.stores.my_store import my_store

register = template.Library()


@register.simple_tag(takes_context=True)
def product_availability(context, product):
    """Availability of a product at the shopper's store, nearby stores and for delivery."""
    return lookup(product=product, store=my_store(context["request"]))


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
