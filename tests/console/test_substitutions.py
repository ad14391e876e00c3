"""The console's short pick proposes substitutes; the order page shows an offer waiting for the
shopper's answer, holds Ready back, and lets staff withdraw it."""

import pytest
from django.urls import reverse

from apps.order import statuses
from apps.pickup import substitutions
from apps.pickup.models import Substitution
from tests.factories import OrderFactory, StoreStaffFactory


@pytest.fixture
def staff(shop):
    return StoreStaffFactory(location=shop["leeds"]).user


@pytest.fixture
def picking(shop, staff):
    return OrderFactory(
        store=shop["leeds"], lines={shop["lamp"]: 2}, status=statuses.PICKING, by=staff
    )


def text(response):
    return " ".join(response.content.decode().split())


def short_pick(client, order, **data):
    url = reverse("console:action", args=["leeds", order.number, "short-pick"])
    return client.post(url, data, follow=True)


def test_the_short_pick_page_proposes_substitutes_in_stock_here(client, staff, picking, floor_lamp):
    client.force_login(staff)
    line = picking.lines.get()
    page = text(short_pick(client, picking, line=line.pk, quantity=1))
    assert "Offer the customer a substitute?" in page
    assert "Floor Lamp · FLOOR-1 · 3 available · £8.00" in page
    assert "No substitute" in page


def test_staff_offer_a_substitute_and_the_order_waits_for_the_answer(
    client, staff, picking, floor_lamp
):
    client.force_login(staff)
    line = picking.lines.get()
    done = text(
        short_pick(
            client,
            picking,
            line=line.pk,
            quantity=1,
            reason="missing",
            substitute=floor_lamp.pk,
            substitute_quantity=1,
            confirmed="yes",
        )
    )
    assert "Short pick recorded and the substitute offered" in done
    assert "1 × Floor Lamp for 1 × Desk Lamp at £8.00 each" in done
    assert "waiting for the customer's answer until" in done
    assert "Ready for collection once the customer answers" in done  # no Ready button
    assert "Substitute offered by" in done  # on the timeline
    queue = text(client.get(reverse("console:queue", args=["leeds"])))
    assert "Substitute: waiting for the customer" in queue
    offer = Substitution.objects.get()
    assert offer.is_open and offer.offered_by == staff

    ready = client.post(
        reverse("console:action", args=["leeds", picking.number, "ready"]), follow=True
    )
    assert "Waiting for the customer&#x27;s answer about Floor Lamp" in ready.content.decode()


def test_skipping_the_substitute_is_a_plain_short_pick(client, staff, picking, floor_lamp):
    client.force_login(staff)
    line = picking.lines.get()
    done = text(
        short_pick(
            client,
            picking,
            line=line.pk,
            quantity=1,
            reason="missing",
            substitute="",
            confirmed="yes",
        )
    )
    assert "Short pick recorded; the units are back on sale" in done
    assert not Substitution.objects.exists()


def test_a_refused_offer_is_said_on_the_short_pick_page_and_nothing_changes(
    client, staff, picking, floor_lamp
):
    client.force_login(staff)
    line = picking.lines.get()
    response = short_pick(
        client,
        picking,
        line=line.pk,
        quantity=1,
        reason="missing",
        substitute=floor_lamp.pk,
        substitute_quantity=2,
        confirmed="yes",
    )
    assert response.status_code == 400
    assert "Offer as many units as are missing: 1 to 1, not 2." in text(response)
    line.refresh_from_db()
    assert line.num_allocated == 2 and not Substitution.objects.exists()


def test_staff_withdraw_an_offer_and_may_make_the_order_ready(client, staff, picking, floor_lamp):
    offer = substitutions.short_pick_and_offer(
        order=picking,
        line=picking.lines.get(),
        quantity=1,
        by=staff,
        reason="missing",
        substitute=floor_lamp,
        substitute_quantity=1,
    )
    client.force_login(staff)
    url = reverse("console:withdraw-substitute", args=["leeds", picking.number, offer.pk])
    page = text(client.post(url, follow=True))
    assert "Offer withdrawn: Desk Lamp is not supplied on this order." in page
    assert "Withdrawn (withdrawn by the store): 1 × Desk Lamp not supplied" in page
    assert 'id="ready-blocked"' not in page


def test_staff_of_another_store_cannot_withdraw_an_offer(client, shop, staff, picking, floor_lamp):
    offer = substitutions.short_pick_and_offer(
        order=picking,
        line=picking.lines.get(),
        quantity=1,
        by=staff,
        reason="missing",
        substitute=floor_lamp,
        substitute_quantity=1,
    )
    client.force_login(StoreStaffFactory(location=shop["york"]).user)
    url = reverse("console:withdraw-substitute", args=["leeds", picking.number, offer.pk])
    assert client.post(url).status_code == 403
    offer.refresh_from_db()
    assert offer.is_open
