"""Substitutes for short-picked units: proposed from related products in stock at the store,
answered once by the shopper, allocated through the ledger when accepted, not supplied when
declined, unanswered or sold out meanwhile."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model

from apps.checkout import order_payment
from apps.checkout import services as checkout
from apps.inventory import holds
from apps.inventory.selectors import ledger_drift
from apps.notifications import tasks as notification_tasks
from apps.order import statuses
from apps.pickup import services, substitutions, tasks
from apps.pickup.models import PickupEvent, Substitution
from tests import races
from tests.factories import (
    OrderFactory,
    ProductClassFactory,
    ProductFactory,
    StoreStaffFactory,
    pick_all,
)
from tests.factories import (
    stock as give_stock,
)

StockRecord = get_model("partner", "StockRecord")
ProductCategory = get_model("catalogue", "ProductCategory")
Product = get_model("catalogue", "Product")
Status = Substitution.Status


def in_category(product, category):
    ProductCategory.objects.create(product=product, category=category)
    return product


@pytest.fixture
def lighting(shop):
    """The lamp (10.00) in Lighting; related products at the Leeds store and elsewhere."""
    lighting = create_from_breadcrumbs("Lighting")
    kitchen = create_from_breadcrumbs("Kitchen")
    leeds, york, warehouse = shop["leeds"], shop["york"], shop["warehouse"]
    in_category(shop["lamp"], lighting)
    products = {
        "floor": in_category(ProductFactory(title="Floor Lamp", upc="FLOOR-1"), lighting),
        "pro": in_category(ProductFactory(title="Desk Lamp Pro", upc="PRO-1"), lighting),
        "reading": in_category(ProductFactory(title="Reading Lamp", upc="READ-1"), lighting),
        "promised": in_category(ProductFactory(title="Clip Lamp", upc="CLIP-1"), lighting),
        "kettle": in_category(ProductFactory(title="Kettle", upc="KETTLE-1"), kitchen),
        "other_kind": in_category(
            ProductFactory(
                title="Lamp Shade",
                upc="SHADE-1",
                product_class=ProductClassFactory(name="Parts", slug="parts"),
            ),
            kitchen,
        ),
    }
    prices = {"floor": "8.00", "pro": "25.00", "reading": "9.00", "promised": "9.50"}
    for key, product in products.items():
        give_stock(warehouse, product, 5, price=Decimal(prices.get(key, "12.00")))
    give_stock(leeds, products["floor"], 3)
    give_stock(leeds, products["pro"], 2)
    give_stock(leeds, products["kettle"], 4)
    give_stock(leeds, products["other_kind"], 4)
    give_stock(york, products["reading"], 5)  # in stock, but not at Leeds
    give_stock(leeds, products["promised"], 1)  # its one unit promised to another order
    OrderFactory(store=leeds, lines={products["promised"]: 1}, restock=False)
    return products


@pytest.fixture
def staff(shop):
    return StoreStaffFactory(location=shop["leeds"]).user


@pytest.fixture
def picking(order, staff):
    """The guest's order for two lamps, being picked."""
    services.start_picking(order=order, by=staff)
    return order


def offer(order, staff, product, *, short=1, units=1, now=None):
    line = order.lines.get(product__upc="LAMP-1")
    return substitutions.short_pick_and_offer(
        order=order,
        line=line,
        quantity=short,
        by=staff,
        reason="missing",
        substitute=product,
        substitute_quantity=units,
        now=now,
    )


def record(shop, product, store="leeds"):
    row = StockRecord.objects.get(partner=shop[store].partner, product=product)
    return row.num_in_stock, row.num_allocated


def kinds(order):
    return list(order.pickup_events.values_list("kind", flat=True))


# --- proposals -------------------------------------------------------------------------------


def test_candidates_are_related_products_sellable_at_the_store_best_first(picking, shop, lighting):
    line = picking.lines.get()
    found = substitutions.candidates(line=line, store=shop["leeds"])
    titles = [c.product.title for c in found]
    # Same category first (price nearest the lamp's 10.00 first), then the same kind of product.
    assert titles == ["Floor Lamp", "Desk Lamp Pro", "Kettle"]
    floor = found[0]
    assert floor.available == 3 and floor.why == ["same category", "same kind"]
    # The Pro costs 25.00 but would be charged no more than the lamp's 10.00.
    assert (found[1].price, found[1].charged) == (Decimal("25.00"), Decimal("10.00"))


def test_variants_of_the_same_parent_come_first(shop, staff):
    goods = ProductClassFactory()
    parent = ProductFactory(title="Mug", upc="", structure=Product.PARENT, product_class=goods)
    red = ProductFactory(title="Mug, red", upc="MUG-R", structure=Product.CHILD, parent=parent)
    blue = ProductFactory(title="Mug, blue", upc="MUG-B", structure=Product.CHILD, parent=parent)
    plate = ProductFactory(title="Plate", upc="PLATE")
    for product in (red, blue, plate):
        give_stock(shop["warehouse"], product, 5)
        give_stock(shop["leeds"], product, 2)
    order = OrderFactory(store=shop["leeds"], lines={red: 1})
    found = substitutions.candidates(line=order.lines.get(), store=shop["leeds"])
    assert [c.product.title for c in found] == ["Mug, blue", "Desk Lamp", "Plate"]
    assert "same family" in found[0].why


def test_nothing_to_propose_when_nothing_related_is_in_stock(picking, shop):
    assert substitutions.candidates(line=picking.lines.get(), store=shop["leeds"]) == []


# --- offering --------------------------------------------------------------------------------


def test_an_offer_waits_for_the_shopper_and_holds_the_order_back_from_ready(
    picking, shop, staff, lighting
):
    made = offer(picking, staff, lighting["floor"])
    assert made.status == Status.OFFERED
    assert made.unit_price_incl_tax == Decimal("8.00")
    assert made.expires_at - made.offered_at == dt.timedelta(hours=2)
    assert record(shop, lighting["floor"]) == (3, 0)  # nothing promised before the answer
    assert kinds(picking) == ["picking", "short_pick", "sub_offered"]
    pick_all(picking, staff)
    with pytest.raises(services.PickupError, match="Waiting for the customer's answer"):
        services.mark_ready(order=picking, by=staff)
    picking.refresh_from_db()
    assert picking.status == statuses.PICKING


def test_an_offer_is_priced_no_higher_than_the_missing_item(picking, staff, lighting):
    assert offer(picking, staff, lighting["pro"]).unit_price_incl_tax == Decimal("10.00")


@pytest.mark.parametrize(
    "units, product_key, message",
    [
        (2, "floor", "Offer as many units as are missing"),  # one unit short, two offered
        (1, "reading", "Only 0 of Reading Lamp can be sold at Omnishop Leeds"),
        (1, "promised", "Only 0 of Clip Lamp"),  # its unit is promised to another order
    ],
)
def test_a_refused_offer_leaves_the_line_as_it_was(
    picking, shop, staff, lighting, units, product_key, message
):
    with pytest.raises(substitutions.SubstitutionError, match=message):
        offer(picking, staff, lighting[product_key], units=units)
    assert picking.lines.get().num_allocated == 2  # the short pick is undone with it
    assert kinds(picking) == ["picking"]
    assert not Substitution.objects.exists()


def test_offering_for_the_only_line_keeps_the_order_open_for_the_answer(shop, staff, lighting):
    order = OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 1}, status=statuses.PICKING)
    made = offer(order, staff, lighting["floor"])
    order.refresh_from_db()
    assert order.status == statuses.PICKING
    substitutions.answer(offer=made, accept=False)
    order.refresh_from_db()
    assert order.status == statuses.CANCELLED  # declined: nothing was left to pick
    assert kinds(order)[-2:] == ["sub_declined", "cancelled"]
    payment = order_payment.payment_state(order)
    assert payment.voided and payment.captured == 0  # nothing charged


# --- answers ---------------------------------------------------------------------------------


def test_an_accepted_substitute_is_allocated_added_and_handed_over(picking, shop, staff, lighting):
    made = offer(picking, staff, lighting["floor"])
    assert record(shop, shop["lamp"]) == (2, 1)  # the missing lamp is released

    substitutions.answer(offer=made, accept=True)

    made.refresh_from_db()
    line = made.new_line
    assert made.status == Status.ACCEPTED
    assert (line.title, line.quantity, line.num_allocated) == ("Floor Lamp", 1, 1)
    assert (line.unit_price_incl_tax, line.line_price_incl_tax) == (Decimal("8.00"),) * 2
    assert record(shop, lighting["floor"]) == (3, 1)  # allocated at the store, in the ledger
    assert line.stock_movements.get().reason == "allocation"
    pick_all(picking, staff)  # the substitute is picked like any line
    services.mark_ready(order=picking, by=staff)
    services.hand_over(order=picking, by=staff, code=picking.pickup_code)
    picking.refresh_from_db()
    assert picking.status == statuses.COLLECTED
    assert record(shop, lighting["floor"]) == (2, 0)
    assert record(shop, shop["lamp"]) == (1, 0)  # one lamp handed over, one back on sale
    assert kinds(picking)[2:5] == ["sub_offered", "sub_accepted", "line_picked"]
    # Charged for what left: one lamp (10.00) and the floor lamp (8.00), of 20.00 authorised.
    assert order_payment.payment_state(picking).captured == Decimal("18.00")
    assert list(ledger_drift()) == []


def test_a_declined_substitute_is_not_supplied_and_the_rest_is_collected(
    picking, shop, staff, lighting
):
    made = offer(picking, staff, lighting["floor"])
    substitutions.answer(offer=made, accept=False)

    made.refresh_from_db()
    assert made.status == Status.DECLINED and made.new_line is None
    event = picking.pickup_events.get(kind="sub_declined")
    assert event.detail["not_supplied"] == 1 and event.line.title == "Desk Lamp"
    assert record(shop, lighting["floor"]) == (3, 0)
    assert record(shop, shop["lamp"]) == (2, 1)  # the missing unit stays released
    pick_all(picking, staff)
    services.mark_ready(order=picking, by=staff)
    services.hand_over(order=picking, by=staff, code=picking.pickup_code)
    assert picking.lines.count() == 1
    assert order_payment.payment_state(picking).captured == Decimal("10.00")  # one lamp
    assert list(ledger_drift()) == []


def test_an_offer_is_answered_once(picking, staff, lighting):
    made = offer(picking, staff, lighting["floor"])
    substitutions.answer(offer=made, accept=False)
    with pytest.raises(substitutions.AnswerRefused, match="You declined this substitute already"):
        substitutions.answer(offer=made, accept=True)
    assert not picking.lines.filter(title="Floor Lamp").exists()


def test_a_substitute_sold_out_before_the_answer_is_refused_and_not_supplied(
    picking, shop, staff, lighting
):
    made = offer(picking, staff, lighting["floor"])
    # Meanwhile other shoppers take the three floor lamps.
    OrderFactory(store=shop["leeds"], lines={lighting["floor"]: 3}, restock=False)

    with pytest.raises(substitutions.AnswerRefused, match="sold out meanwhile"):
        substitutions.answer(offer=made, accept=True)

    made.refresh_from_db()
    assert (made.status, made.closed_reason) == (Status.WITHDRAWN, substitutions.SOLD_OUT)
    assert record(shop, lighting["floor"]) == (3, 3)  # nothing taken from the others' units
    assert not picking.lines.filter(title="Floor Lamp").exists()
    assert picking.pickup_events.get(kind="sub_withdrawn").detail["not_supplied"] == 1
    pick_all(picking, staff)
    services.mark_ready(order=picking, by=staff)  # no longer held back
    assert list(ledger_drift()) == []


def test_a_substitute_whose_units_are_held_in_a_sale_is_not_taken_from_the_holder(
    picking, shop, staff, lighting, settings
):
    settings.OMNISHOP_BASKET_HOLD_MINUTES = 15  # flash-sale mode
    made = offer(picking, staff, lighting["floor"])
    sale_basket = checkout.fill_basket(
        owner=None, quantities={lighting["floor"].pk: 3}, location=shop["leeds"]
    )
    (held,) = holds.hold(
        basket=sale_basket, location=shop["leeds"], wanted={lighting["floor"].pk: 3}
    )
    assert held.held == 3  # a shopper holds the three floor lamps at Leeds

    with pytest.raises(substitutions.AnswerRefused, match="sold out meanwhile"):
        substitutions.answer(offer=made, accept=True)
    assert record(shop, lighting["floor"]) == (3, 0)  # the holder can still buy all three
    assert not picking.lines.filter(title="Floor Lamp").exists()


def test_staff_may_withdraw_an_offer_to_make_the_order_ready(picking, shop, staff, lighting):
    made = offer(picking, staff, lighting["floor"])
    york_staff = StoreStaffFactory(location=shop["york"]).user
    with pytest.raises(PermissionDenied):
        substitutions.withdraw(offer=made, by=york_staff)
    substitutions.withdraw(offer=made, by=staff)
    pick_all(picking, staff)
    services.mark_ready(order=picking, by=staff)
    with pytest.raises(substitutions.AnswerRefused, match="The store withdrew this offer"):
        substitutions.answer(offer=made, accept=True)


# --- expiry ----------------------------------------------------------------------------------


def test_an_unanswered_offer_expires_and_is_not_supplied(picking, shop, staff, lighting):
    start = timezone.now()
    made = offer(picking, staff, lighting["floor"], now=start)
    assert substitutions.expire_due(now=start + dt.timedelta(hours=1)) == 0
    assert substitutions.expire_due(now=start + dt.timedelta(hours=2)) == 1
    made.refresh_from_db()
    assert made.status == Status.EXPIRED
    assert picking.pickup_events.get(kind="sub_expired").quantity == 1
    with pytest.raises(substitutions.AnswerRefused, match="The time to answer ran out"):
        substitutions.answer(offer=made, accept=True)
    assert record(shop, lighting["floor"]) == (3, 0)


def test_an_answer_after_the_time_expires_the_offer_even_before_the_sweep(picking, staff, lighting):
    start = timezone.now()
    made = offer(picking, staff, lighting["floor"], now=start)
    with pytest.raises(substitutions.AnswerRefused, match="The time to answer ran out"):
        substitutions.answer(offer=made, accept=True, now=start + dt.timedelta(hours=3))
    made.refresh_from_db()
    assert made.status == Status.EXPIRED  # recorded although the answer was refused


def test_the_sweep_runs_on_celery_beat(picking, staff, lighting):
    jobs = {job["task"] for job in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "apps.pickup.tasks.expire_substitutions" in jobs
    made = offer(picking, staff, lighting["floor"], now=timezone.now() - dt.timedelta(hours=3))
    assert tasks.expire_substitutions() == 1
    made.refresh_from_db()
    assert made.status == Status.EXPIRED


def test_an_offer_on_an_order_cancelled_meanwhile_is_withdrawn(picking, staff, lighting):
    made = offer(picking, staff, lighting["floor"])
    services.cancel(order=picking, by=staff, reason="customer-asked")
    with pytest.raises(substitutions.AnswerRefused, match="This order is closed"):
        substitutions.answer(offer=made, accept=True)
    made.refresh_from_db()
    assert made.status == Status.WITHDRAWN


# --- the shopper is asked ------------------------------------------------------------------------


def test_the_shopper_is_asked_by_email_and_text_with_the_signed_link(
    shop, staff, lighting, mailoutbox, sms_outbox, django_capture_on_commit_callbacks
):
    order = OrderFactory(
        store=shop["leeds"],
        lines={shop["lamp"]: 2},
        status=statuses.PICKING,
        pickup_phone="07911 123456",
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        made = offer(order, staff, lighting["floor"])
    link = substitutions.answer_url(made)
    asking = next(m for m in mailoutbox if "Floor Lamp instead" in m.subject)
    assert link in asking.body and "£8.00 each" in asking.body
    (text,) = [t for t in sms_outbox if "Floor Lamp" in t["body"]]
    assert link in text["body"] and text["to"] == "+447911123456"
    assert PickupEvent.objects.get(kind="sub_offered").texted_at is not None


# --- a race on PostgreSQL ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_answer_racing_the_expiry_sweep_closes_the_offer_once(postgres, shop, lighting):
    staff = StoreStaffFactory(location=shop["leeds"]).user
    order = OrderFactory(store=shop["leeds"], lines={shop["lamp"]: 2}, status=statuses.PICKING)
    start = timezone.now() - dt.timedelta(hours=2)
    made = offer(order, staff, lighting["floor"], now=start)
    deadline = made.expires_at
    outcomes = races.together(
        # The shopper pressed Accept a moment before the deadline; the sweep runs at it.
        lambda: substitutions.answer(offer=made, accept=True, now=deadline - dt.timedelta(1)),
        lambda: substitutions.expire(offer=made, now=deadline),
        refusals={substitutions.AnswerRefused: "refused"},
    )
    made.refresh_from_db()
    closing = order.pickup_events.filter(kind__in=["sub_accepted", "sub_expired"])
    assert closing.count() == 1
    if made.status == Status.ACCEPTED:
        assert outcomes[0] == "ok" and record(shop, lighting["floor"]) == (3, 1)
    else:
        assert made.status == Status.EXPIRED and outcomes[0] == "refused"
        assert record(shop, lighting["floor"]) == (3, 0)
    assert list(ledger_drift()) == []


@pytest.mark.parametrize("short, units", [(1, 0), (1, 2), (0, 0)])
def test_the_database_refuses_an_offer_of_more_units_than_are_missing(
    picking, lighting, short, units
):
    with pytest.raises(IntegrityError), transaction.atomic():
        Substitution.objects.bulk_create(
            [
                Substitution(
                    order=picking,
                    line=picking.lines.get(),
                    short_quantity=short,
                    product=lighting["floor"],
                    quantity=units,
                    unit_price_incl_tax=Decimal("8.00"),
                    unit_price_excl_tax=Decimal("8.00"),
                    expires_at=timezone.now(),
                )
            ]
        )


def test_one_line_has_one_offer_waiting_at_a_time(picking, staff, lighting):
    offer(picking, staff, lighting["floor"])
    with pytest.raises(substitutions.SubstitutionError, match="already has a substitute waiting"):
        offer(picking, staff, lighting["pro"])


def test_an_offer_message_still_unsent_when_the_offer_closes_is_never_sent(
    shop, staff, lighting, mailoutbox, sms_outbox
):
    order = OrderFactory(
        store=shop["leeds"],
        lines={shop["lamp"]: 2},
        status=statuses.PICKING,
        pickup_phone="07911 123456",
    )
    made = offer(order, staff, lighting["floor"])  # the broker was down: nothing queued
    substitutions.withdraw(offer=made, by=staff)
    mailoutbox.clear()
    notification_tasks.send_pending_notifications(older_than_minutes=0)
    assert [m.subject for m in mailoutbox] == [
        f"Part of your order {order.number} is not available"  # the short pick's, not the offer
    ]
    assert sms_outbox == []
    event = PickupEvent.objects.get(kind="sub_offered")
    assert event.notified_at is not None and event.texted_at is not None  # no more retries
