"""For any JSON body, the API's stock and checkout serializers either validate or refuse with
an error on a field of theirs (never an exception), and what they validate keeps the bounds:
1 to ``MAX_LINE_UNITS`` units a line, sale, pick or return, 1 to ``MAX_LINES`` lines;
0 to ``MAX_UNITS`` counted. A field the request does not have is refused, by its name."""

from collections.abc import Mapping
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st
from oscar.core.loading import get_model
from rest_framework.settings import api_settings

from apps.api.console import (
    CountSerializer,
    HandOverSerializer,
    ReasonSerializer,
    ShortPickSerializer,
)
from apps.api.counter import ReturnLineSerializer, ReturnSerializer, SaleSerializer
from apps.api.plumbing import MAX_LINE_UNITS, MAX_LINES, ProductLineSerializer
from apps.api.shopper import (
    AddressSerializer,
    ArrivalSerializer,
    CollectOrderSerializer,
    DeliveryOrderSerializer,
)
from apps.instore import services as instore
from apps.inventory.services import MAX_UNITS
from tests.factories import ProductFactory, StoreFactory, UserFactory

from .strategies import PROPERTY, bodies, integers

Country = get_model("address", "Country")
Product = get_model("catalogue", "Product")

pytestmark = pytest.mark.django_db


def validate(serializer_class, data):
    """(serializer, is_valid()) for the body; a database error inside is raised here, and
    leaves the test's transaction usable for the next example."""
    serializer = serializer_class(data=data)
    with transaction.atomic():
        valid = serializer.is_valid()
    sent = set(data) if isinstance(data, Mapping) else set()
    if sent - set(serializer.fields):
        assert not valid, f"a field the request does not have was ignored: {sent}"
    if not valid:
        errors = serializer.errors
        assert errors, "refused without saying why"
        # A field of the serializer, one the body sent that it does not have, or the body.
        named = set(serializer.fields) | sent | {api_settings.NON_FIELD_ERRORS_KEY}
        assert set(errors) <= named, f"errors on keys that are not fields: {dict(errors)}"
    return serializer, valid


def a_shop():
    """Two products (one with a lower-case barcode), an open store, a closed one, and the
    country deliveries go to."""
    Country.objects.get_or_create(
        iso_3166_1_a2="GB", defaults={"name": "United Kingdom", "is_shipping_country": True}
    )
    products = [ProductFactory(upc="LAMP-1"), ProductFactory(upc="mug-2")]
    StoreFactory(code="leeds")
    StoreFactory(code="shut", is_active=False)
    return products


def product_ids(products):
    pks = [p.pk for p in products]
    return st.one_of(st.sampled_from(pks), st.sampled_from(pks).map(str), integers)


def barcodes(products):
    upcs = [p.upc for p in products]
    return st.one_of(
        st.sampled_from(upcs), st.sampled_from(upcs).map(str.swapcase), st.text(max_size=12)
    )


#: A line's units at and around its bounds, anywhere between, any integer, or as text.
line_units = st.one_of(
    st.sampled_from([0, 1, MAX_LINE_UNITS, MAX_LINE_UNITS + 1]),
    st.integers(-5, MAX_LINE_UNITS + 5),
    integers,
)
quantities = st.one_of(line_units, st.integers(1, MAX_LINE_UNITS).map(str), line_units.map(str))


def valid_lines(products):
    """An order line as a client would send it: a product by id or barcode (any case), and a
    quantity within bounds or none (one unit)."""
    named = st.one_of(
        st.sampled_from(products).map(lambda p: {"product": p.pk}),
        st.sampled_from(products).map(lambda p: {"upc": p.upc.swapcase()}),
    )
    quantity = st.fixed_dictionaries({}, optional={"quantity": st.integers(1, MAX_LINE_UNITS)})
    return st.builds(lambda a, b: {**a, **b}, named, quantity)


def line_bodies(products):
    return bodies(
        {"product": product_ids(products), "upc": barcodes(products), "quantity": quantities},
        valid=valid_lines(products),
    )


def valid_line_lists(products):
    return st.lists(valid_lines(products), min_size=1, max_size=3)


def lines_of(products):
    """A body's lines: valid ones, as many as may be sent and one more, or lines of which any
    may be anything."""
    return st.one_of(
        valid_line_lists(products),
        st.builds(
            lambda line, n: [line] * n,
            valid_lines(products),
            st.sampled_from([MAX_LINES, MAX_LINES + 1]),
        ),
        st.lists(line_bodies(products), max_size=3),
    )


def assert_lines_within_bounds(lines):
    assert 1 <= len(lines) <= MAX_LINES, f"{len(lines)} lines taken"
    for line in lines:
        assert type(line["quantity"]) is int
        assert 1 <= line["quantity"] <= MAX_LINE_UNITS, line


# --- an order line --------------------------------------------------------------------------


def test_a_product_line_validates_or_names_its_field_and_keeps_its_bounds():
    products = a_shop()

    @PROPERTY
    @given(body=line_bodies(products))
    def check(body):
        serializer, valid = validate(ProductLineSerializer, body)
        if valid:
            assert isinstance(serializer.validated_data["product"], Product)
            assert_lines_within_bounds([serializer.validated_data])

    check()


def test_a_known_product_is_taken_exactly_when_its_quantity_is_within_bounds():
    products = a_shop()

    @PROPERTY
    @given(
        product=st.sampled_from(products),
        by_barcode=st.booleans(),
        quantity=line_units,
    )
    def check(product, by_barcode, quantity):
        named = {"upc": product.upc.lower()} if by_barcode else {"product": product.pk}
        serializer, valid = validate(ProductLineSerializer, {**named, "quantity": quantity})
        assert valid == (1 <= quantity <= MAX_LINE_UNITS), serializer.errors
        if valid:
            assert serializer.validated_data == {"product": product, "quantity": quantity}
        else:
            assert "quantity" in serializer.errors

    check()


# --- checkout -------------------------------------------------------------------------------


def test_a_collect_order_validates_or_names_its_field_and_keeps_its_bounds():
    products = a_shop()

    @PROPERTY
    @given(
        body=bodies(
            {
                "store": st.sampled_from(["leeds", "LEEDS", "shut", "york"]),
                "lines": lines_of(products),
                "collector_name": st.text(max_size=140),
                "collector_phone": st.sampled_from(["07911 123456", "+44 7911 123456", "123"]),
            },
            valid=st.fixed_dictionaries(
                {"store": st.just("leeds"), "lines": valid_line_lists(products)},
                optional={
                    "collector_name": st.sampled_from(["Ann Other", "Zoë O'Brien"]),
                    "collector_phone": st.sampled_from(["", "07911 123456"]),
                },
            ),
        )
    )
    def check(body):
        serializer, valid = validate(CollectOrderSerializer, body)
        if valid:
            data = serializer.validated_data
            assert data["store"].code == "leeds" and data["store"].is_active
            assert_lines_within_bounds(data["lines"])
            assert len(data.get("collector_name", "")) <= 128
            phone = data.get("collector_phone", "")
            assert phone == "" or (phone.startswith("+") and len(phone) <= 16), phone

    check()


ADDRESS = {
    "first_name": "Ann",
    "last_name": "Other",
    "line1": "1 Park Row",
    "city": "Leeds",
    "postcode": "LS1 5AB",
}


def address_bodies():
    likely = {
        name: st.one_of(st.just(value), st.text(max_size=300)) for name, value in ADDRESS.items()
    }
    likely["line2"] = st.text(max_size=20)
    likely["country"] = st.sampled_from(["GB", "gb", "FR", "G", "GBR"])
    likely["phone"] = st.sampled_from(["", "07911 123456", "not a phone"])
    valid = st.fixed_dictionaries(
        {name: st.just(value) for name, value in ADDRESS.items()},
        optional={
            "line2": st.sampled_from(["", "Flat 2"]),
            "country": st.sampled_from(["GB", "gb"]),
            "phone": st.sampled_from(["", "07911 123456"]),
        },
    )
    return bodies(likely, valid=valid)


def test_a_delivery_address_validates_or_names_its_field():
    a_shop()

    @PROPERTY
    @given(body=address_bodies())
    def check(body):
        serializer, valid = validate(AddressSerializer, body)
        if valid:
            address = serializer.validated_data
            assert address["country"].iso_3166_1_a2 == "GB"
            assert all(len(address[name]) <= 255 for name in ("first_name", "line1", "line4"))

    check()


def test_a_delivery_order_validates_or_names_its_field_and_keeps_its_bounds():
    products = a_shop()

    @PROPERTY
    @given(
        body=bodies(
            {
                "lines": lines_of(products),
                "address": address_bodies(),
            },
            valid=st.fixed_dictionaries(
                {"lines": valid_line_lists(products), "address": st.just(ADDRESS)}
            ),
        )
    )
    def check(body):
        serializer, valid = validate(DeliveryOrderSerializer, body)
        if valid:
            assert_lines_within_bounds(serializer.validated_data["lines"])

    check()


def test_an_arrival_note_validates_or_names_its_field():
    @PROPERTY
    @given(body=bodies({"note": st.text(max_size=130)}, valid=st.just({"note": "bay 3"})))
    def check(body):
        serializer, valid = validate(ArrivalSerializer, body)
        if valid:
            assert len(serializer.validated_data.get("note", "")) <= 120

    check()


# --- the store console: counts, picks, hand-overs, till sales, returns ---------------------


def test_a_stock_count_validates_or_names_its_field_and_keeps_its_bounds():
    products = a_shop()

    @PROPERTY
    @given(
        body=bodies(
            {
                "product": product_ids(products),
                "counted": st.one_of(
                    st.integers(-3, 50), st.sampled_from([-1, 0, MAX_UNITS, MAX_UNITS + 1])
                ),
                "note": st.text(max_size=210),
            },
            valid=st.fixed_dictionaries(
                {
                    "product": st.sampled_from([p.pk for p in products]),
                    "counted": st.integers(0, MAX_UNITS),
                },
                optional={"note": st.just("shelf 4")},
            ),
        )
    )
    def check(body):
        serializer, valid = validate(CountSerializer, body)
        if valid:
            data = serializer.validated_data
            assert isinstance(data["product"], Product)
            assert type(data["counted"]) is int and 0 <= data["counted"] <= MAX_UNITS
            assert len(data.get("note", "")) <= 200

    check()


def test_a_count_is_taken_exactly_when_it_is_zero_to_max_units():
    products = a_shop()

    @PROPERTY
    @given(
        counted=st.one_of(
            st.sampled_from([-1, 0, MAX_UNITS, MAX_UNITS + 1]),
            st.integers(-5, 5),
            st.integers(MAX_UNITS - 2, MAX_UNITS + 2),
            integers,
        )
    )
    def check(counted):
        serializer, valid = validate(
            CountSerializer, {"product": products[0].pk, "counted": counted}
        )
        assert valid == (0 <= counted <= MAX_UNITS), serializer.errors
        if not valid:
            assert "counted" in serializer.errors

    check()


def test_a_short_pick_validates_or_names_its_field_and_keeps_its_bounds():
    @PROPERTY
    @given(
        body=bodies(
            {"quantity": quantities, "reason": st.text(max_size=210)},
            valid=st.fixed_dictionaries(
                {"quantity": st.integers(1, MAX_LINE_UNITS)}, optional={"reason": st.just("dented")}
            ),
        )
    )
    def check(body):
        serializer, valid = validate(ShortPickSerializer, body)
        if valid:
            assert_lines_within_bounds([serializer.validated_data])
            assert len(serializer.validated_data.get("reason", "")) <= 200

    check()


def test_a_cancel_reason_validates_or_names_its_field():
    @PROPERTY
    @given(body=bodies({"reason": st.text(max_size=210)}, valid=st.just({"reason": "asked"})))
    def check(body):
        serializer, valid = validate(ReasonSerializer, body)
        if valid:
            assert len(serializer.validated_data.get("reason", "")) <= 200

    check()


def test_a_hand_over_validates_or_names_its_field():
    @PROPERTY
    @given(
        body=bodies(
            {
                "code": st.sampled_from(["ABCD-EFGH", "", "  "]),
                "id_checked": st.sampled_from([True, False, "true", "no", 1, 0]),
                "collected_by": st.sampled_from(["Ann Other", "", " "]),
            },
            valid=st.sampled_from(
                [{"code": "ABCD-EFGH"}, {"id_checked": True, "collected_by": "Ann Other"}]
            ),
        )
    )
    def check(body):
        serializer, valid = validate(HandOverSerializer, body)
        if valid:
            data = serializer.validated_data
            assert type(data["id_checked"]) is bool
            said = data.get("collected_by" if data["id_checked"] else "code", "")
            assert said.strip(), "handed over with neither a code nor who collected"

    check()


def test_a_till_sale_validates_or_names_its_field_and_keeps_its_bounds():
    products = a_shop()
    UserFactory(email="shopper@example.com")

    @PROPERTY
    @given(
        body=bodies(
            {
                "lines": lines_of(products),
                "customer": st.sampled_from(["", "shopper@example.com", "07911 123456", "x"]),
            },
            valid=st.fixed_dictionaries(
                {"lines": valid_line_lists(products)},
                optional={"customer": st.sampled_from(["", "shopper@example.com"])},
            ),
        )
    )
    def check(body):
        serializer, valid = validate(SaleSerializer, body)
        if valid:
            assert_lines_within_bounds(serializer.validated_data["lines"])
            # What the till does next with the customer it was told: find them or refuse.
            try:
                with transaction.atomic():
                    instore.customer_for_sale(serializer.validated_data.get("customer", ""))
            except instore.InstoreError:
                pass

    check()


def test_a_return_validates_or_names_its_field_and_keeps_its_bounds():
    valid_line = st.fixed_dictionaries(
        {"line": st.integers(1, 10**6), "quantity": st.integers(1, MAX_LINE_UNITS)}
    )
    line_body = bodies({"line": integers, "quantity": quantities}, valid=valid_line)
    return_lines = st.lists(valid_line, min_size=1, max_size=3)
    too_many = st.builds(
        lambda line, n: [line] * n, valid_line, st.sampled_from([MAX_LINES, MAX_LINES + 1])
    )

    @PROPERTY
    @given(
        body=bodies(
            {
                "order": st.sampled_from(["100001", ""]),
                "lines": st.one_of(return_lines, too_many, st.lists(line_body, max_size=3)),
                "damaged": st.booleans(),
                "reason": st.text(max_size=260),
            },
            valid=st.fixed_dictionaries(
                {"order": st.just("100001"), "lines": return_lines},
                optional={"damaged": st.booleans(), "reason": st.just("too small")},
            ),
        )
    )
    def check(body):
        serializer, valid = validate(ReturnSerializer, body)
        if valid:
            data = serializer.validated_data
            assert_lines_within_bounds(data["lines"])
            assert type(data["damaged"]) is bool and len(data.get("reason", "")) <= 255

    check()


def test_a_return_line_is_taken_exactly_when_its_quantity_is_within_bounds():
    @PROPERTY
    @given(line=integers, quantity=line_units)
    def check(line, quantity):
        serializer, valid = validate(ReturnLineSerializer, {"line": line, "quantity": quantity})
        assert valid == (1 <= quantity <= MAX_LINE_UNITS), serializer.errors

    check()


def test_numbers_as_json_floats_and_decimals_are_whole_units_or_refused():
    """A float quantity (JSON 3.0, 2.5, 1e30) is taken only as the whole number it is."""

    @PROPERTY
    @given(quantity=st.one_of(st.floats(allow_nan=False), st.decimals(allow_nan=False)))
    def check(quantity):
        serializer, valid = validate(ShortPickSerializer, {"quantity": quantity})
        if valid:
            taken = serializer.validated_data["quantity"]
            assert type(taken) is int and Decimal(taken) == Decimal(quantity)
            assert 1 <= taken <= MAX_LINE_UNITS

    check()
