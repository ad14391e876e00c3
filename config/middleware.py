"""Site-wide guards at the door, before any view sees the request."""

import re

from django.contrib import messages
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpResponseBadRequest, HttpResponseNotFound, HttpResponseRedirect

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


#: An id in an address: a whole number the database can hold (every table's key is one).
ROW_ID = re.compile(r"[0-9]{1,18}")


def not_found(request):
    if is_api(request):
        return api_error(404, "not_found", "No such page.")
    return HttpResponseNotFound("No such page.", content_type="text/plain; charset=utf-8")


def names_a_row(name: str) -> bool:
    """A URL parameter holding a row's id: ``pk``, ``id``, ``product_pk``, ``line_id``...
    (the admin's ``object_id`` is its own business: it answers a bad one itself)."""
    if name in ("object_id", "content_type_id"):
        return False
    return name in ("pk", "id") or name.endswith(("_pk", "_id"))


class IdsThatNameNothingAreNotFound:
    """An id in an address that is not a number the database can hold names no row: 404, as
    for any other id that does not exist (some of Oscar's addresses take any text as an id and
    would fail on it). So does an id in a query beyond any integer (SQLite raises
    OverflowError on it) on a page read; a write with such a number is a form's missing bound,
    and stays an error to fix."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for name, value in view_kwargs.items():
            if names_a_row(name) and not ROW_ID.fullmatch(str(value)):
                return not_found(request)
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError) and request.method in ("GET", "HEAD"):
            return not_found(request)
        return None


class KeepRowsOthersReferTo:
    """Deleting what orders, stock or other rows still refer to (a product that was sold, a
    partner with stock) is refused by the database's protected keys; the user is told why on
    the page they came from (409 with the reason from the API), and nothing is deleted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ProtectedError | RestrictedError):
            return None
        rows = getattr(exception, "protected_objects", None) or exception.restricted_objects
        used_by = sorted({str(row._meta.verbose_name_plural) for row in rows})
        reason = f"This cannot be deleted while {', '.join(used_by)} refer to it."
        if is_api(request):
            return api_error(409, "protected", reason)
        messages.error(request, reason)
        return HttpResponseRedirect(request.get_full_path())
