"""Site-wide guards at the door, before any view sees the request."""

import re

from django.http import HttpResponseBadRequest, HttpResponseNotFound

from .errors import api_error, is_api

#: Control characters no form field, query or URL of ours takes (tab, newline and carriage
#: return are text). PostgreSQL refuses NUL in text outright.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class RefuseControlCharacters:
    """A request with a control character in its path, or in a value of its query or form
    fields, is refused whole with 400 and the name of the field, before anything reads it.
    (A field name nobody asks for is never read, so names are not checked.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found = self.find(request)
        if found is not None:
            where, field = found
            reason = f"{where} contains a control character (such as NUL): remove it and try again."
            if is_api(request):
                return api_error(400, "invalid_characters", reason, attr=field)
            return HttpResponseBadRequest(reason, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def find(request) -> tuple[str, str | None] | None:
        """Where the first control character is: (a description, the field's name or None)."""
        if CONTROL.search(request.path):
            return "The address", None
        # The API reads JSON only, and checks it itself (apps.api.parsers).
        form = request.method == "POST" and not is_api(request)
        sources = [request.GET, request.POST] if form else [request.GET]
        for source in sources:
            for name, values in source.lists():
                if any(CONTROL.search(v) for v in values):
                    return f"The field {name[:40]!r}", name[:40]
        return None


class NumbersTooLargeAreNotFound:
    """An id in a URL or a query beyond any integer the database holds (SQLite raises
    OverflowError on it) names nothing: 404 for a page read (GET/HEAD), as for any other id
    that does not exist. A write with such a number is a form's missing bound, and stays an
    error to fix."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError) and request.method in ("GET", "HEAD"):
            if is_api(request):
                return api_error(404, "not_found", "No such page.")
            return HttpResponseNotFound("No such page.", content_type="text/plain; charset=utf-8")
        return None
