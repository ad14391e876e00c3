"""Absolute links to the shop for messages read outside it (e-mails, texts): on the configured
``SITE_SCHEME`` and ``SITE_DOMAIN``, never on a request's host or Django's default site."""

from django.conf import settings
from django.urls import reverse


def absolute(path: str) -> str:
    """``path`` (starting with "/") on the shop's own address."""
    return f"{settings.SITE_SCHEME}://{settings.SITE_DOMAIN}{path}"


def order_page_url(order) -> str:
    """The order's page: in the shopper's account, or for a guest the signed page by hash."""
    if order.user_id:
        path = reverse("customer:order", kwargs={"order_number": order.number})
    else:
        path = reverse(
            "customer:anon-order",
            kwargs={"order_number": order.number, "hash": order.verification_hash()},
        )
    return absolute(path)
