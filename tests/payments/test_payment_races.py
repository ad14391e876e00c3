"""Two steps on one payment at the same moment (real transactions on PostgreSQL): the card is
charged once, and never both charged and released."""

import pytest
from django.db import transaction
from oscar.core.loading import get_model

from apps.checkout import order_payment
from apps.order import statuses
from apps.pickup import services as pickup
from tests import races
from tests.factories import OrderFactory, StoreStaffFactory, UserFactory, pick_all

from .test_collect_payment import amounts

Order = get_model("order", "Order")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ready_order(postgres, order, staff):
    pickup.start_picking(order=order, by=staff)
    pick_all(order, staff)
    pickup.mark_ready(order=order, by=staff)
    return order


def test_two_staff_handing_over_at_once_charge_the_card_once(
    ready_order, shop, staff, recording_gateway
):
    colleague = StoreStaffFactory(location=shop["leeds"]).user
    outcomes = races.together(
        lambda: pickup.hand_over(order=ready_order, by=staff, code=ready_order.pickup_code),
        lambda: pickup.hand_over(order=ready_order, by=colleague, code=ready_order.pickup_code),
        refusals={pickup.PickupError: "refused"},
    )
    assert sorted(outcomes) == ["ok", "refused"]
    assert [call[0] for call in recording_gateway] == ["authorize", "capture"]
    assert amounts(ready_order) == (20, 20, 0)


def test_a_capture_racing_a_void_does_one_of_them_never_both(ready_order, recording_gateway):
    def step(name):
        def run():
            with transaction.atomic():
                getattr(order_payment, name)(order=ready_order)

        return run

    outcomes = races.together(
        step("capture"), step("void"), refusals={order_payment.PaymentRefused: "refused"}
    )
    assert outcomes.count("refused") == 1
    asked = [call[0] for call in recording_gateway[1:]]
    assert asked in (["capture"], ["void"])
    assert amounts(ready_order) == ((20, 20, 0) if asked == ["capture"] else (0, 0, 0))


def test_dispatching_one_delivery_twice_at_once_captures_once(postgres, shop, recording_gateway):
    order = OrderFactory(delivery=True, lines={shop["lamp"]: 1})
    staff = UserFactory(is_staff=True, is_superuser=True)

    def dispatch():
        order_payment.dispatch(order=order, by=staff)

    outcomes = races.together(
        dispatch, dispatch, refusals={order_payment.PaymentRefused: "refused"}
    )
    assert sorted(outcomes) == ["ok", "refused"]
    assert [call[0] for call in recording_gateway] == ["authorize", "capture"]
    assert Order.objects.get(pk=order.pk).status == statuses.DISPATCHED
