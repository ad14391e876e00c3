"""Oscar's search forms, with the query bounded: a query of 100,000 characters cost the search
engine seconds of CPU for a page that could never match anything (86 s on the catalogue page
of the 60-product demo). The search page, the catalogue and the category pages each have one."""

from django import forms
from oscar.apps.search import forms as oscar_forms

#: The longest query the search box takes (the same bound as the API's ``q``).
MAX_QUERY_LENGTH = 200


def bounded_query() -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=MAX_QUERY_LENGTH,
        label=oscar_forms.SearchForm.base_fields["q"].label,
        widget=oscar_forms.SearchInput(
            {"placeholder": "Search", "tabindex": "1", "class": "form-control"}
        ),
    )


class SearchForm(oscar_forms.SearchForm):
    q = bounded_query()


class BrowseCategoryForm(oscar_forms.BrowseCategoryForm):
    """The catalogue page's (an invalid query lists the catalogue, the query unread)."""

    q = bounded_query()


class CategoryForm(oscar_forms.CategoryForm):
    q = bounded_query()
