"""Oscar's search page. A query longer than the search form takes is answered by the form's
error, without Oscar's analytics storing it first (into a 255-character column)."""

from oscar.apps.search.views import search

from apps.search.forms import MAX_QUERY_LENGTH


class FacetedSearchView(search.FacetedSearchView):
    def dispatch(self, request, *args, **kwargs):
        if len(request.GET.get("q", "")) > MAX_QUERY_LENGTH:
            # Oscar's dispatch only adds the analytics signal: go past it.
            return super(search.FacetedSearchView, self).dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)
