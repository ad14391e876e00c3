"""The dashboard's order page lists the substitutes offered on a pickup order and how each
ended, beside the new line and the pickup timeline."""

import pytest
from django.urls import reverse

from apps.order import statuses
from apps.pickup import substitutions
from tests.factories import OrderFactory, StoreStaffFactory


def text(response):
    return " ".join(response.content.decode().split())


@pytest.fixture
def staff(shop):
    return StoreStaffFactory(location=shop["leeds"]).user


@pytest.fixture
def picking(shop, staff):
    return OrderFactory(
        store=shop["leeds"], lines={shop["lamp"]: 2}, status=statuses.PICKING, by=staff
    )


def test_the_dashboard_order_page_lists_the_substitutes(merchandiser, staff, picking, floor_lamp):
    offer = substitutions.short_pick_and_offer(
        order=picking,
        line=picking.lines.get(),
        quantity=1,
        by=staff,
        reason="missing",
        substitute=floor_lamp,
        substitute_quantity=1,
    )
    substitutions.answer(offer=offer, accept=True)
    page = text(merchandiser.get(reverse("dashboard:order-detail", args=[picking.number])))
    assert "Substitutes offered" in page
    assert "Floor Lamp &times; 1" in page and "Accepted: added as line" in page
    assert "Substitute accepted" in page  # the pickup timeline
