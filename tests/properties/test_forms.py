"""For any posted text, the stock and checkout forms (console, checkout, dashboard) either
validate or refuse with an error on a field of theirs (never an exception), and what they
validate keeps the bounds: 0 to ``MAX_UNITS`` counted, 1 to ``MAX_UNITS`` moved."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st
from oscar.core.loading import get_model

from apps.checkout.forms import FulfilmentForm
from apps.console.stock import CountForm as ConsoleCountForm
from apps.console.views import posted_id
from apps.dashboard.stock.forms import CountForm as DashboardCountForm
from apps.dashboard.stock.forms import StockFilterForm, StockImportForm
from apps.dashboard.stock.transfer_forms import TransferLineForm, TransferPlanForm
from apps.inventory.services import MAX_UNITS
from apps.stores.models import Location
from tests.factories import LocationFactory, ProductFactory, StoreFactory

from .strategies import EDGE_INTEGERS, PROPERTY, form_data, form_text, integers

Product = get_model("catalogue", "Product")

pytestmark = pytest.mark.django_db

counts = st.one_of(
    st.integers(-3, 50).map(str),
    st.sampled_from([-1, 0, MAX_UNITS, MAX_UNITS + 1, 2**31, 2**63, 10**30]).map(str),
    st.sampled_from([" 12 ", "12.0", "12.5", "1e3", "١٢"]),
)


def validate(form):
    """form.is_valid(); a database error inside is raised here, and leaves the test's
    transaction usable for the next example."""
    with transaction.atomic():
        valid = form.is_valid()
    if not valid:
        assert form.errors, "refused without saying why"
        assert set(form.errors) <= set(form.fields) | {"__all__"}, form.errors
    return valid


def test_the_console_count_form_validates_or_names_its_field_and_keeps_its_bounds():
    product = ProductFactory(upc="LAMP-1")
    ids = st.one_of(st.just(str(product.pk)), integers.map(str))

    @PROPERTY
    @given(
        data=form_data(
            {"product": ids, "counted": counts, "note": st.text(max_size=210)},
            valid=st.fixed_dictionaries(
                {
                    "product": st.just(str(product.pk)),
                    "counted": st.integers(0, MAX_UNITS).map(str),
                },
                optional={"note": st.just("found a box")},
            ),
        )
    )
    def check(data):
        form = ConsoleCountForm(data)
        if validate(form):
            counted = form.cleaned_data["counted"]
            assert type(counted) is int and 0 <= counted <= MAX_UNITS
            assert len(form.cleaned_data["note"]) <= 200
            # What the console does next with the product id it was given: look it up.
            with transaction.atomic():
                found = Product.objects.filter(pk=form.cleaned_data["product"]).first()
            assert found is None or found == product

    check()


def test_the_console_count_form_takes_a_count_exactly_when_it_is_zero_to_max_units():
    product = ProductFactory()

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
        form = ConsoleCountForm({"product": str(product.pk), "counted": str(counted)})
        assert validate(form) == (0 <= counted <= MAX_UNITS), form.errors
        if form.errors:
            assert list(form.errors) == ["counted"]

    check()


def test_the_till_reads_any_posted_product_id_as_a_number_it_can_look_up():
    """The console till reads a posted id (a scanned product, an order line) with ``posted_id``: any text gives a
    number the database can hold (0, naming nothing, for anything else)."""
    ProductFactory()

    @PROPERTY
    @given(text=st.one_of(form_text, st.none(), st.sampled_from(EDGE_INTEGERS).map(str)))
    def check(text):
        number = posted_id(text)
        assert type(number) is int and 0 <= number < 2**63
        with transaction.atomic():
            Product.objects.filter(pk=number).first()

    check()


def test_the_dashboard_count_form_validates_or_names_its_field_and_keeps_its_bounds():
    @PROPERTY
    @given(
        data=form_data(
            {"counted": counts, "note": st.text(max_size=210)},
            valid=st.fixed_dictionaries({"counted": st.integers(0, MAX_UNITS).map(str)}),
        )
    )
    def check(data):
        form = DashboardCountForm(data)
        if validate(form):
            counted = form.cleaned_data["counted"]
            assert type(counted) is int and 0 <= counted <= MAX_UNITS

    check()


def test_the_transfer_forms_validate_or_name_their_field_and_keep_their_bounds():
    product = ProductFactory(upc="LAMP-1")
    LocationFactory(code="web", kind=Location.Kind.WAREHOUSE)
    StoreFactory(code="leeds")
    StoreFactory(code="shut", is_active=False)
    codes = st.sampled_from(["web", "leeds", "shut", "LEEDS", "york"])

    @PROPERTY
    @given(
        data=form_data(
            {
                "source": codes,
                "destination": codes,
                "upc": st.sampled_from(["LAMP-1", " lamp-1 ", "LAMP-2"]),
                "quantity": st.one_of(
                    st.integers(-3, 50).map(str),
                    st.sampled_from([0, 1, MAX_UNITS, MAX_UNITS + 1]).map(str),
                    st.sampled_from(EDGE_INTEGERS).map(str),
                ),
                "note": st.text(max_size=210),
            },
            valid=st.fixed_dictionaries(
                {
                    "source": st.just("web"),
                    "destination": st.just("leeds"),
                    "upc": st.sampled_from(["LAMP-1", " lamp-1 "]),
                    "quantity": st.integers(1, MAX_UNITS).map(str),
                }
            ),
        )
    )
    def check(data):
        plan = TransferPlanForm(data)
        if validate(plan):
            route = plan.cleaned_data
            assert route["source"] != route["destination"]
            assert route["source"].is_active and route["destination"].is_active
        line = TransferLineForm(data)
        if validate(line) and "product" in line.cleaned_data:
            data = line.cleaned_data
            assert type(data["quantity"]) is int and 1 <= data["quantity"] <= MAX_UNITS
            assert data["product"] == product
        elif line.is_valid():  # only a blank row is valid without a product
            assert not line.cleaned_data.get("upc", "").strip()
            assert line.cleaned_data.get("quantity") is None

    check()


def test_the_stock_filter_validates_or_names_its_field():
    LocationFactory(code="web", kind=Location.Kind.WAREHOUSE)
    StoreFactory(code="leeds")

    @PROPERTY
    @given(
        data=form_data(
            {
                "location": st.sampled_from(["", "web", "leeds", "york"]),
                "q": st.text(max_size=20),
                "sold_out": st.sampled_from(["on", "", "true", "false"]),
            },
            valid=st.just({"location": "leeds", "q": "lamp"}),
        )
    )
    def check(data):
        form = StockFilterForm(data)
        if validate(form):
            location = form.cleaned_data["location"]
            assert location is None or location.code in ("web", "leeds")

    check()


def test_the_checkout_store_choice_validates_or_names_its_field():
    """Collect only from a store that has the whole basket (the choices given), with a name;
    a phone only as one we can text."""
    leeds = StoreFactory(code="leeds")
    StoreFactory(code="york")  # open, but without the basket
    shut = StoreFactory(code="shut", is_active=False)

    @PROPERTY
    @given(
        data=form_data(
            {
                "method": st.sampled_from(["collect", "delivery", "COLLECT"]),
                "store": st.sampled_from(["leeds", "york", "shut", ""]),
                "name": st.sampled_from(["Ann Other", "", "   "]),
                "phone": st.sampled_from(["07911 123456", "+44 7911 123456", "", "123"]),
            },
            valid=st.sampled_from(
                [
                    {"method": "collect", "store": "leeds", "name": "Ann Other"},
                    {"method": "delivery", "phone": "07911 123456"},
                ]
            ),
        )
    )
    def check(data):
        form = FulfilmentForm(data, stores_with_everything=[leeds, shut])
        if validate(form):
            data = form.cleaned_data
            assert data["method"] in (FulfilmentForm.COLLECT, FulfilmentForm.DELIVERY)
            if data["method"] == FulfilmentForm.COLLECT:
                assert data["store"] == leeds and data["name"].strip()
            assert data["phone"] == "" or data["phone"].startswith("+")

    check()


def test_the_stock_import_form_takes_any_upload_or_names_its_field():
    """Any bytes as the uploaded feed: UTF-8 text is taken (to be checked row by row by the
    import), anything else refused on the file field."""

    @PROPERTY
    @given(
        content=st.one_of(
            st.binary(max_size=200),
            st.text(max_size=200).map(lambda text: text.encode()),
            st.text(max_size=50).map(lambda text: text.encode("utf-16")),
        ),
        # Any name an upload can arrive with: Django's upload handler keeps the last part of
        # the path, and drops a file whose name leaves nothing ("/", "..").
        name=st.text(min_size=1, max_size=60).filter(
            lambda name: os.path.basename(name) not in {"", ".", ".."}
        ),
        data=form_data(
            {"skip_bad_rows": st.sampled_from(["on", ""]), "idempotency_key": st.text(max_size=140)}
        ),
    )
    def check(content, name, data):
        form = StockImportForm(data, {"file": SimpleUploadedFile(name, content)})
        if validate(form):
            filename, text = form.cleaned_data["file"]
            assert isinstance(text, str) and text == content.decode("utf-8-sig")
            assert len(form.cleaned_data["idempotency_key"]) <= 128

    check()
