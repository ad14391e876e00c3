"""Every link in a shopper's e-mail is absolute on the shop's configured address
(``SITE_SCHEME`` + ``SITE_DOMAIN``), never on Django's default example.com."""

import re

import pytest
from django.contrib.sites.models import Site

from apps.checkout.services import send_order_placed_email
from apps.pickup import services
from tests.factories import OrderFactory, StoreStaffFactory, pick_all

URL = re.compile(r"""https?://[^\s"'<>]+""")
HREF = re.compile(r"""href=["']([^"']*)""")


@pytest.fixture
def shop_address(settings):
    settings.SITE_SCHEME = "https"
    settings.SITE_DOMAIN = "shop.omnishop.test"
    return "https://shop.omnishop.test/"


def html_bodies(message) -> list[str]:
    return [body for body, _ in getattr(message, "alternatives", [])]


def assert_links_on(message, base):
    """Each URL of the text body and each href of the HTML body is on ``base``."""
    links = URL.findall(message.subject + message.body)
    links += [link for html in html_bodies(message) for link in HREF.findall(html)]
    assert links, "the e-mail has no link"
    for link in links:
        assert link.startswith(base), link
    assert not any("example.com" in text for text in [message.body, *html_bodies(message)])


def test_order_confirmation_links_to_the_order_on_the_shops_address(shop, mailoutbox, shop_address):
    order = OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1}, guest_email="ann@shop.test")
    mailoutbox.clear()
    send_order_placed_email(order)
    (message,) = mailoutbox
    assert f"{shop_address}accounts/order-status/{order.number}/" in message.body  # a guest's page
    assert_links_on(message, shop_address)


def test_ready_for_collection_links_to_the_order_on_the_shops_address(
    shop, mailoutbox, shop_address, django_capture_on_commit_callbacks
):
    order = OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1}, guest_email="ann@shop.test")
    staff = StoreStaffFactory(location=shop["leeds"]).user
    services.start_picking(order=order, by=staff)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        pick_all(order, staff)
        services.mark_ready(order=order, by=staff)
    (message,) = mailoutbox
    assert f"Your order: {shop_address}accounts/order-status/{order.number}/" in message.body
    assert_links_on(message, shop_address)


def test_the_site_row_carries_the_configured_domain_not_example_com(db, settings):
    site = Site.objects.get(pk=settings.SITE_ID)
    assert (site.domain, site.name) == (settings.SITE_DOMAIN, settings.OSCAR_SHOP_NAME)
