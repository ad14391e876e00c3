from django import template

from apps.order import pickup_codes
from apps.storefront.availability import product_availability as lookup
from apps.stores.my_store import my_store

register = template.Library()


@register.simple_tag(takes_context=True)
def product_availability(context, product):
    """Availability of a product at the shopper's store, nearby stores and for delivery."""
    return lookup(product=product, store=my_store(context["request"]))


@register.filter
def pickup_code_display(code):
    return pickup_codes.display(code)
