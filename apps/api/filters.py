"""Filtering of the API's lists (django-filter): each filter is a query parameter, documented
in the schema and validated: a malformed value answers 400, a value that names nothing (an
unknown store or category) or a missing companion parameter 422."""

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from oscar.core.loading import get_model

from apps.instore.selectors import return_matches
from apps.inventory.selectors import product_ids_available_at, product_matches
from apps.order import statuses
from apps.pickup.selectors import order_matches
from apps.stores.models import Store

Category = get_model("catalogue", "Category")


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, leaving the filter set on the view (``view.filterset``) for
    what it says beyond filtering (the store the availability is asked about)."""

    def get_filterset(self, request, queryset, view):
        view.filterset = super().get_filterset(request, queryset, view)
        return view.filterset


SEARCH_LENGTH = 200


class StrictBooleanField(forms.Field):
    """true/false (or 1/0) and nothing else: "yes please" is an error, not False."""

    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            return self.VALUES[str(value).lower()]
        except KeyError:
            raise forms.ValidationError("Give true or false.", code="invalid") from None


def search_filter(help_text: str, *, required: bool = False) -> django_filters.CharFilter:
    """``q``: what is typed or scanned into a search box, at most ``SEARCH_LENGTH``
    characters; the filter set's ``search`` method applies it."""
    return django_filters.CharFilter(
        method="search",
        required=required,
        min_length=1 if required else None,
        max_length=SEARCH_LENGTH,
        help_text=help_text,
    )


def search_parameter(filterset_class) -> OpenApiParameter:
    """The schema of a filter set's ``q``, with the bounds its form field enforces (which
    drf-spectacular does not read from a filter)."""
    search = filterset_class.base_filters["q"]
    required = search.extra.get("required", False)
    schema = {"type": "string", "maxLength": SEARCH_LENGTH, "minLength": 1 if required else 0}
    return OpenApiParameter(
        "q", schema, required=required, description=search.extra.get("help_text")
    )


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


@extend_schema_field({"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"})
class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    """One object by its slug or code (``to_field_name``); one that does not exist is 422."""


class ProductFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        if data.get("in_stock_at_store") and not data.get("store"):
            self.add_error("store", forms.ValidationError("Say which store.", code="incomplete"))
        return data


class ProductFilter(django_filters.FilterSet):
    q = search_filter("Part of the title, or the barcode (UPC)")
    category = SlugChoiceFilter(
        queryset=Category.objects.filter(is_public=True),
        to_field_name="slug",
        method="in_category",
        help_text="Category slug (and its subcategories)",
        error_messages={"invalid_choice": "No such category."},
    )
    store = SlugChoiceFilter(
        queryset=Store.objects.filter(is_active=True),
        to_field_name="code",
        method="in_stock_at",
        help_text="Store code: say how many it has there (and around it)",
        error_messages={"invalid_choice": "No such store."},
    )
    in_stock_at_store = StrictBooleanFilter(
        method="in_stock_at",
        help_text="Only what the store can sell now (give store too)",
    )

    class Meta:
        form = ProductFilterForm

    def search(self, queryset, name, text):
        return queryset.filter(product_matches(text.strip()))

    def in_category(self, queryset, name, category):
        return queryset.filter(categories__in=category.get_descendants_and_self()).distinct()

    def in_stock_at(self, queryset, name, value):
        data = self.form.cleaned_data
        if name == "in_stock_at_store" and value:
            return queryset.filter(pk__in=product_ids_available_at(data["store"]))
        return queryset


class StoreOrderFilter(django_filters.FilterSet):
    q = search_filter("Order number, pickup code (as scanned), name, e-mail or phone")
    status = django_filters.ChoiceFilter(
        choices=[(status, status) for status in statuses.PICKUP_STATUSES],
        help_text="Only orders in this state",
    )

    def search(self, queryset, name, text):
        return queryset.filter(order_matches(text)).distinct()


class StockFilter(django_filters.FilterSet):
    q = search_filter("Barcode (UPC) or part of a title")

    def search(self, queryset, name, text):
        return queryset.filter(product_matches(text.strip(), via="product__"))


class ReturnFilter(django_filters.FilterSet):
    q = search_filter("Order number, or the customer's e-mail, phone or full name", required=True)

    def search(self, queryset, name, text):
        return queryset.filter(return_matches(text)).distinct()
