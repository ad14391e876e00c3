"""The stock rules (``apps.inventory.services``, and the till and counter returns over them),
after any sequence of operations on one product at a store and the online warehouse:

- on hand, allocated and available to sell (on hand - allocated) never go below zero, and the
  store's safety buffer is never promised away;
- each operation does exactly what a simple model of the shelf says, or is refused
  (``StockError``, ``InstoreError``) with nothing changed: no figure, ledger row, count, import
  batch, order or return;
- the ledger (``StockMovement``) adds up to every record's on hand and allocated, as
  ``check_stock_ledger`` reconciles it (``inventory.selectors.ledger_drift``).

Quantities are drawn from every kind of value a caller could pass: small whole numbers, zero
and negatives, beyond ``MAX_UNITS`` and the database's integers, floats, decimals, text, None,
lists. Properties of their own cover whole numbers up to ``MAX_UNITS`` that add up past it
and past the database's integers (refused, never a database error), and booleans (an int to
Python) with the other odd values, service by service.
"""

from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.db.models import Sum
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from oscar.core.loading import get_model

from apps.instore import services as instore
from apps.instore.models import CounterReturn
from apps.inventory import services
from apps.inventory.models import StockCount, StockImport, StockMovement
from apps.inventory.selectors import availability, ledger_drift
from apps.inventory.services import MAX_UNITS, InsufficientStock, InvalidStockChange, StockError
from apps.stores.models import Location, StoreStaff
from tests.factories import (
    LocationFactory,
    ProductFactory,
    StoreFactory,
    StoreStaffFactory,
    stock,
)

from .strategies import EDGE_INTEGERS, PROPERTY

StockRecord = get_model("partner", "StockRecord")
Order = get_model("order", "Order")
Basket = get_model("basket", "Basket")

#: Values that are not a number of units (booleans apart: see the property of their own).
NOT_UNITS = [2.0, 2.5, Decimal("2"), "2", None, [2], {2: 2}]
#: Anything a caller could pass as a number of units, short of whole numbers that would take
#: a record past ``MAX_UNITS`` when added up (a property of its own, below).
units = st.one_of(
    st.integers(1, 12),
    st.one_of(
        st.integers(-3, 0),
        st.sampled_from([n for n in EDGE_INTEGERS if not 12 < n <= MAX_UNITS]),
        st.sampled_from(NOT_UNITS),
    ),
)


def whole(value) -> bool:
    """A number of units the services take at all."""
    return isinstance(value, int) and abs(value) <= MAX_UNITS


#: Every table a stock operation, a till sale or a return could write to.
WRITTEN = [StockMovement, StockCount, StockImport, Order, CounterReturn, Basket]


def everything():
    """Every stock record's figures and how many rows each table holds (two queries)."""
    counts = ", ".join(
        f"(SELECT COUNT(*) FROM {connection.ops.quote_name(model._meta.db_table)})"
        for model in WRITTEN
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        rows = cursor.fetchone()
    records = StockRecord.objects.order_by("pk").values_list("pk", "num_in_stock", "num_allocated")
    return list(records), rows


class OneProductAtAStore(RuleBasedStateMachine):
    """One product at a store (with a safety buffer) and at the online warehouse, and a model
    of both shelves: ``self.shelf[location] = [on hand, allocated]``."""

    def __init__(self):
        super().__init__()
        self.savepoint = transaction.savepoint()  # each run starts from an empty shop

    @initialize(
        buffer=st.integers(0, 3), at_store=st.integers(0, 20), at_warehouse=st.integers(0, 20)
    )
    def open_the_shop(self, buffer, at_store, at_warehouse):
        self.store = StoreFactory(safety_buffer=buffer)
        self.warehouse = LocationFactory(kind=Location.Kind.WAREHOUSE)
        self.product = ProductFactory()
        self.unstocked = ProductFactory()  # no stock record anywhere
        stock(self.store, self.product, at_store)
        stock(self.warehouse, self.product, at_warehouse)
        self.manager = get_user_model().objects.create(  # no password: hashing one is slow
            username=f"manager-{self.store.code}", email=f"manager@{self.store.code}.example"
        )
        StoreStaffFactory(location=self.store, user=self.manager, role=StoreStaff.Role.MANAGER)
        self.shelf = {self.store.pk: [at_store, 0], self.warehouse.pk: [at_warehouse, 0]}
        self.sales = []  # [till sale order, its line, units still returnable]

    # --- helpers ----------------------------------------------------------------------------

    def figures(self, location):
        on_hand, allocated = self.shelf[location.pk]
        return on_hand, allocated, on_hand - allocated

    def attempt(self, call, expected, apply=None):
        """Run ``call``; ``expected`` is None when the model says it succeeds (then ``apply``
        updates the model), else the refusal it must raise, having changed nothing."""
        before = everything()
        try:
            result = call()
        except (StockError, instore.InstoreError) as refusal:
            assert expected is not None, f"refused, but the model says it can be done: {refusal!r}"
            assert isinstance(refusal, expected), f"expected {expected.__name__}: {refusal!r}"
            assert everything() == before, "a refused operation changed something"
            return None
        assert expected is None, f"done, but the model says {expected.__name__}"
        if apply is not None:
            apply()
        return result

    def draw_units(self, data, edge):
        """Units to try: anything at all, or a whole number at the edge of what the model
        allows (``edge``: the most it allows, or the least for a count)."""
        return data.draw(st.one_of(units, st.integers(edge - 1, edge + 1)), label="units")

    # --- the store's stock operations -------------------------------------------------------

    @rule(data=st.data())
    def allocate(self, data):
        """Promise units, never the store's safety buffer."""
        room = self.figures(self.store)[2] - self.store.safety_buffer
        n = self.draw_units(data, room)
        expected = (
            InvalidStockChange
            if not whole(n) or n <= 0
            else None
            if n <= room
            else InsufficientStock
        )

        def apply():
            self.shelf[self.store.pk][1] += n

        self.attempt(
            lambda: services.allocate(location=self.store, quantities={self.product.pk: n}),
            expected,
            apply,
        )

    @rule(data=st.data())
    def release(self, data):
        allocated = self.shelf[self.store.pk][1]
        n = self.draw_units(data, allocated)
        expected = None if whole(n) and 0 < n <= allocated else InvalidStockChange

        def apply():
            self.shelf[self.store.pk][1] -= n

        self.attempt(
            lambda: services.release(location=self.store, quantities={self.product.pk: n}),
            expected,
            apply,
        )

    @rule(data=st.data())
    def hand_over(self, data):
        allocated = self.shelf[self.store.pk][1]
        n = self.draw_units(data, allocated)
        expected = None if whole(n) and 0 < n <= allocated else InvalidStockChange

        def apply():
            self.shelf[self.store.pk][0] -= n
            self.shelf[self.store.pk][1] -= n

        self.attempt(
            lambda: services.hand_over(location=self.store, quantities={self.product.pk: n}),
            expected,
            apply,
        )

    @rule(data=st.data())
    def sell_in_store(self, data):
        """Never takes units promised to pickups (the buffer is the till's to sell)."""
        available = self.figures(self.store)[2]
        n = self.draw_units(data, available)
        expected = (
            InvalidStockChange
            if not whole(n) or n <= 0
            else None
            if n <= available
            else InsufficientStock
        )

        def apply():
            self.shelf[self.store.pk][0] -= n

        self.attempt(
            lambda: services.sell_in_store(location=self.store, quantities={self.product.pk: n}),
            expected,
            apply,
        )

    @rule(n=units)
    def receive(self, n):
        expected = None if whole(n) and n > 0 else InvalidStockChange

        def apply():
            self.shelf[self.store.pk][0] += n

        self.attempt(
            lambda: services.receive(location=self.store, quantities={self.product.pk: n}),
            expected,
            apply,
        )

    @rule(data=st.data(), found=st.booleans())
    def adjust(self, data, found):
        """Found units (+) or damaged ones (-): never below what is allocated."""
        available = self.figures(self.store)[2]
        n = self.draw_units(data, available)
        delta = n if found or not isinstance(n, int) else -n
        expected = (
            InvalidStockChange
            if not whole(delta) or delta == 0
            else InsufficientStock
            if delta < -available
            else None
        )

        def apply():
            self.shelf[self.store.pk][0] += delta

        self.attempt(
            lambda: services.adjust(location=self.store, deltas={self.product.pk: delta}),
            expected,
            apply,
        )

    @rule(data=st.data())
    def count(self, data):
        """A shelf count sets on hand: never below what is allocated."""
        allocated = self.shelf[self.store.pk][1]
        counted = self.draw_units(data, allocated)
        ok = whole(counted) and allocated <= counted <= MAX_UNITS
        expected = None if ok else InvalidStockChange

        def apply():
            self.shelf[self.store.pk][0] = counted

        self.attempt(
            lambda: services.count(location=self.store, counts={self.product.pk: counted}),
            expected,
            apply,
        )

    @rule(data=st.data(), to_the_warehouse=st.booleans())
    def transfer(self, data, to_the_warehouse):
        source, destination = (self.store, self.warehouse)
        if not to_the_warehouse:
            source, destination = destination, source
        available = self.figures(source)[2]
        n = self.draw_units(data, available)
        expected = (
            InvalidStockChange
            if not whole(n) or n <= 0
            else None
            if n <= available
            else InsufficientStock
        )

        def apply():
            self.shelf[source.pk][0] -= n
            self.shelf[destination.pk][0] += n

        self.attempt(
            lambda: services.transfer(
                source=source, destination=destination, quantities={self.product.pk: n}
            ),
            expected,
            apply,
        )

    @rule(data=st.data(), for_sale_now=st.booleans())
    def lock_available(self, data, for_sale_now):
        """Checkout's check before an order: refuses exactly what cannot be had, writes nothing."""
        floor = 0 if for_sale_now else self.store.safety_buffer
        available = max(self.figures(self.store)[2] - floor, 0)
        n = self.draw_units(data, available)
        expected = (
            InvalidStockChange
            if not whole(n) or n <= 0
            else None
            if n <= available
            else InsufficientStock
        )
        self.attempt(
            lambda: services.lock_available(
                location=self.store, quantities={self.product.pk: n}, for_sale_now=for_sale_now
            ),
            expected,
        )

    @rule(
        operation=st.sampled_from(["allocate", "release", "hand_over", "sell_in_store"]),
        n=units,
    )
    def stock_a_product_the_store_does_not_have(self, operation, n):
        self.attempt(
            lambda: getattr(services, operation)(
                location=self.store, quantities={self.unstocked.pk: n}
            ),
            InvalidStockChange if not whole(n) or n <= 0 else InsufficientStock,
        )

    # --- the till and the counter ------------------------------------------------------------

    @precondition(lambda self: not self.sales)  # one a run: a sale is a whole checkout
    @rule(data=st.data())
    def sell_at_the_till(self, data):
        """A till sale (through checkout): the units leave on hand, never promised ones."""
        available = self.figures(self.store)[2]
        n = data.draw(st.integers(max(available - 1, 1), available + 1), label="units")
        sale = self.attempt(
            lambda: instore.sell(
                location=self.store, quantities={self.product.pk: n}, by=self.manager
            ),
            None if n <= available else InsufficientStock,
        )
        if sale is not None:
            self.shelf[self.store.pk][0] -= n
            self.sales.append([sale, sale.lines.get(), n])

    @precondition(lambda self: self.sales)
    @rule(data=st.data(), damaged=st.booleans())
    def take_a_return(self, data, damaged):
        """The console takes any whole number typed for a line; only what is left to return
        is taken back (on hand again unless damaged)."""
        sale = data.draw(st.sampled_from(self.sales), label="sale")
        order, line, returnable = sale
        n = data.draw(
            st.one_of(
                st.integers(1, max(returnable, 1)),
                st.integers(-2, returnable + 2),
                st.sampled_from(EDGE_INTEGERS),
            ),
            label="units",
        )
        line_id = data.draw(st.sampled_from([line.pk, line.pk, line.pk + 10**6]), label="line")
        ok = line_id == line.pk and 0 < n <= returnable

        def apply():
            sale[2] -= n
            if not damaged:
                self.shelf[self.store.pk][0] += n

        self.attempt(
            lambda: instore.take_return(
                location=self.store,
                order=order,
                quantities={line_id: n},
                by=self.manager,
                damaged=damaged,
            ),
            None if ok else instore.InstoreError,
            apply,
        )

    # --- what always holds -------------------------------------------------------------------

    @invariant()
    def figures_are_never_negative_match_the_model_and_the_ledger(self):
        records = StockRecord.objects.filter(product=self.product).annotate(
            ledger_on_hand=Sum("movements__on_hand_delta"),
            ledger_allocated=Sum("movements__allocated_delta"),
        )
        figures = {
            location: (on_hand, allocated, ledger_on_hand or 0, ledger_allocated or 0)
            for location, on_hand, allocated, ledger_on_hand, ledger_allocated in records.values_list(
                "partner__location",
                "num_in_stock",
                "num_allocated",
                "ledger_on_hand",
                "ledger_allocated",
            )
        }
        assert set(figures) == set(self.shelf)
        for location, (on_hand, allocated, ledger_on_hand, ledger_allocated) in figures.items():
            assert on_hand >= 0 and allocated >= 0 and on_hand - allocated >= 0
            assert [on_hand, allocated] == self.shelf[location], "the model and the shelf differ"
            assert (ledger_on_hand, ledger_allocated) == (on_hand, allocated), "ledger drift"
        # What the shop shows as available to sell: never below zero, the buffer held back.
        available = self.figures(self.store)[2]
        shown = availability(products=[self.product], locations=[self.store])
        assert shown.at(self.product, self.store) == max(available - self.store.safety_buffer, 0)

    def teardown(self):
        try:
            if hasattr(self, "store"):
                # The reconciliation check_stock_ledger runs: nothing drifts, anywhere.
                assert list(ledger_drift()) == []
                assert not StockRecord.objects.filter(product=self.unstocked).exists()
        finally:
            transaction.savepoint_rollback(self.savepoint)


@pytest.mark.django_db
def test_any_sequence_of_stock_operations_keeps_the_stock_rules():
    run_state_machine_as_test(
        OneProductAtAStore,
        settings=settings(PROPERTY, max_examples=40, stateful_step_count=40),
    )


# --- the bounds of a record, and values that are not numbers ---------------------------------


def ledger_adds_up():
    for record in StockRecord.objects.all():
        sums = StockMovement.objects.filter(stockrecord=record).aggregate(
            on_hand=Sum("on_hand_delta"), allocated=Sum("allocated_delta")
        )
        assert (sums["on_hand"] or 0, sums["allocated"] or 0) == (
            record.num_in_stock,
            record.num_allocated,
        )
    return True


@contextmanager
def rolled_back():
    """A savepoint rolled back afterwards: each example starts from the shop as it was built
    before the examples."""
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


#: Whole numbers of units up to ``MAX_UNITS``, each one taken alone, mostly near the bound.
up_to_max = st.one_of(
    st.just(MAX_UNITS), st.integers(MAX_UNITS // 2, MAX_UNITS), st.integers(1, MAX_UNITS)
)
big_operations = st.lists(
    st.tuples(st.sampled_from(["receive", "adjust", "transfer in", "count"]), up_to_max),
    min_size=1,
    max_size=8,
)


class BigDeliveries:
    """A product with none on hand at a store and ``MAX_UNITS`` at the warehouse; each
    operation adds units to the store's record (a count sets them)."""

    def __init__(self):
        self.store, self.product = StoreFactory(), ProductFactory()
        self.warehouse = LocationFactory(kind=Location.Kind.WAREHOUSE)
        stock(self.store, self.product, 0)
        stock(self.warehouse, self.product, MAX_UNITS)

    def on_hand(self, location=None):
        record = StockRecord.objects.get(
            partner=(location or self.store).partner, product=self.product
        )
        return record.num_in_stock

    def run(self, operation, n):
        """Do it; a StockError is a refusal, and must change nothing."""
        quantities = {self.product.pk: n}
        before = everything()
        try:
            if operation == "receive":
                services.receive(location=self.store, quantities=quantities)
            elif operation == "adjust":
                services.adjust(location=self.store, deltas=quantities)
            elif operation == "count":
                services.count(location=self.store, counts=quantities)
            elif n <= self.on_hand(self.warehouse):  # a shortage is the machine's business
                services.transfer(
                    source=self.warehouse, destination=self.store, quantities=quantities
                )
        except StockError:
            assert everything() == before, "a refused operation changed something"


@pytest.mark.django_db
def test_units_adding_up_past_the_database_integers_are_refused_not_a_server_error():
    """Each change within ``MAX_UNITS``, but several of them adding up past what the database
    holds (2**31 - 1 on PostgreSQL): refused (StockError), never a database error."""
    shop = BigDeliveries()

    @settings(PROPERTY, max_examples=50)
    @given(operations=big_operations)
    def check(operations):
        with rolled_back():
            for operation, n in operations:
                shop.run(operation, n)
                assert ledger_adds_up()

    check()


@pytest.mark.django_db
def test_a_record_never_holds_more_than_max_units():
    """``MAX_UNITS`` is "the most units one change, count or record may hold": receipts,
    corrections and transfers in that would take a record past it are refused."""
    shop = BigDeliveries()

    @settings(PROPERTY, max_examples=50)
    @given(operations=big_operations)
    def check(operations):
        with rolled_back():
            for operation, n in operations:
                try:
                    shop.run(operation, n)
                except DatabaseError:
                    return  # the property above reports it
                on_hand = shop.on_hand()
                assert on_hand <= MAX_UNITS, f"{operation} {n:,} left {on_hand:,} on hand"

    check()


SERVICES = {
    "allocate": lambda shop, n: services.allocate(location=shop.store, quantities={shop.pk: n}),
    "release": lambda shop, n: services.release(location=shop.store, quantities={shop.pk: n}),
    "hand_over": lambda shop, n: services.hand_over(location=shop.store, quantities={shop.pk: n}),
    "sell_in_store": lambda shop, n: services.sell_in_store(
        location=shop.store, quantities={shop.pk: n}
    ),
    "receive": lambda shop, n: services.receive(location=shop.store, quantities={shop.pk: n}),
    "adjust": lambda shop, n: services.adjust(location=shop.store, deltas={shop.pk: n}),
    "count": lambda shop, n: services.count(location=shop.store, counts={shop.pk: n}),
    "transfer": lambda shop, n: services.transfer(
        source=shop.store, destination=shop.warehouse, quantities={shop.pk: n}
    ),
    "lock_available": lambda shop, n: services.lock_available(
        location=shop.store, quantities={shop.pk: n}
    ),
}


class Shop:
    """A product with 5 on hand at a store (2 of them allocated) and 5 at the warehouse."""

    def __init__(self):
        self.store = StoreFactory()
        self.warehouse = LocationFactory(kind=Location.Kind.WAREHOUSE)
        product = ProductFactory()
        self.pk = product.pk
        stock(self.store, product, 5)
        stock(self.warehouse, product, 5)
        services.allocate(location=self.store, quantities={product.pk: 2})


@pytest.mark.django_db
def test_any_value_for_units_is_done_or_refused_by_every_stock_service():
    """Booleans, floats, decimals, text, None, lists: a stock service either does what it
    would with that many units (True is 1 to Python), the ledger adding up, or refuses with a
    StockError and changes nothing; never a server error."""

    shop = Shop()

    @settings(PROPERTY, max_examples=150)  # 9 services x 11 values: Hypothesis tries them all
    @given(
        service=st.sampled_from(sorted(SERVICES)),
        n=st.sampled_from([True, False, *NOT_UNITS, float("nan"), float("inf")]),
    )
    def check(service, n):
        with rolled_back():
            before = everything()
            try:
                SERVICES[service](shop, n)
            except StockError:
                assert everything() == before, "a refused operation changed something"
            else:
                assert isinstance(n, int), f"{service} took {n!r} as a number of units"
            for record in StockRecord.objects.all():
                assert 0 <= record.num_allocated <= record.num_in_stock
            assert ledger_adds_up()

    check()
