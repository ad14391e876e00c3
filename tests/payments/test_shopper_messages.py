"""The shopper's messages tell the truth about money: an order paid on collection was never
charged for what it does not hand over, so nothing is "refunded"."""

import pytest

from apps.pickup import services as pickup
from apps.pickup.selectors import collect_by
from tests.factories import pick_all


@pytest.fixture
def told(mailoutbox, django_capture_on_commit_callbacks):
    """Run a transition and return the text of the e-mails it sent."""

    def run(step, **params):
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            step(**params)
        return " ".join(" ".join(m.body for m in mailoutbox).split())

    return run


def test_a_short_pick_says_the_missing_unit_will_not_be_charged(order, staff, told):
    pickup.start_picking(order=order, by=staff)
    body = told(
        pickup.short_pick,
        order=order,
        line=order.lines.get(),
        quantity=1,
        by=staff,
        reason="damaged",
    )
    assert "you will not be charged £10.00 for it." in body
    assert "refund" not in body


def test_a_cancelled_order_says_nothing_was_charged(order, staff, told):
    body = told(pickup.cancel, order=order, by=staff, reason="damaged")
    assert "You have not been charged: anything held on your card for it is released." in body
    assert "refund" not in body


def test_an_order_not_collected_says_nothing_was_charged(order, staff, told):
    pickup.start_picking(order=order, by=staff)
    pick_all(order, staff)
    pickup.mark_ready(order=order, by=staff)
    body = told(pickup.mark_not_collected, order=order, now=collect_by(order))
    assert "You have not been charged" in body and "refund" not in body
