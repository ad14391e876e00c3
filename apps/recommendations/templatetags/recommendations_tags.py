"""The recommendation blocks' reads, once a page (``apps.recommendations.selectors``)."""

from django import template

from apps.recommendations import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def shopper_shelves(context) -> list:
    """ "Buy again" and "Recommended for you" (or what is popular) for a signed-in shopper;
    nothing for a visitor who is not signed in (no query)."""
    return selectors.shelves_for(context["request"])


@register.simple_tag(takes_context=True)
def often_bought_together(context, product) -> list:
    """Products often bought in the same order as this one, available to this shopper."""
    return selectors.bought_with_for(context["request"], product)
