"""Site-wide guards at the door, before any view sees the request."""

import re

from django.http import HttpResponseBadRequest, HttpResponseNotFound, JsonResponse

#: Control characters no form field, query or URL of ours takes (tab, newline and carriage
#: return are text). PostgreSQL refuses NUL in text outright.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class RefuseControlCharacters:
    """A request with a control character in its path, query or form fields is refused whole
    with 400 and the name of the field, before anything reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = self.find(request)
        if where is not None:
            reason = f"{where} contains a control character (such as NUL): remove it and try again."
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": reason, "code": "invalid_characters"}, status=400)
            return HttpResponseBadRequest(reason, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def find(request) -> str | None:
        if CONTROL.search(request.path):
            return "The address"
        sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
        for source in sources:
            for name, values in source.lists():
                if CONTROL.search(name) or any(CONTROL.search(v) for v in values):
                    return f"The field {name[:40]!r}"
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
            return HttpResponseNotFound("No such page.", content_type="text/plain; charset=utf-8")
        return None
