"""Oscar's search form, with the search box bounded: a query of 100,000 characters cost the
search engine seconds of CPU for a page that could never match anything. (Oscar takes
the module's other forms from its own.)"""

from django import forms
from oscar.apps.search import forms as oscar_forms

#: The longest query the search box takes (the same bound as the API's ``q``).
MAX_QUERY_LENGTH = 200


class SearchForm(oscar_forms.SearchForm):
    q = forms.CharField(
        required=False,
        max_length=MAX_QUERY_LENGTH,
        label=oscar_forms.SearchForm.base_fields["q"].label,
        widget=oscar_forms.SearchInput(
            {"placeholder": "Search", "tabindex": "1", "class": "form-control"}
        ),
    )
