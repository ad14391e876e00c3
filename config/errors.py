"""Errors answered before or outside any API view, in the API's one error shape
(``apps.api.exceptions``) for addresses under /api/, inside the console's layout under
/console/ (staff keep their way back), as Django's pages elsewhere."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.views import defaults

logger = logging.getLogger(__name__)

#: Seconds a shopper or a program is asked to wait before trying again after the database
#: was lost mid-request (``Retry-After``): long enough for a new connection or a fail-over.
RETRY_AFTER_SECONDS = 5

#: PostgreSQL errors after which the same request can succeed a moment later: the connection
#: failed or was ended (class 08, 57P01-57P03: terminated by an administrator, a crash or a
#: restart), the server is out of connections or resources (class 53), a deadlock or a
#: serialization failure (40001, 40P01), a lock or statement timeout (55P03, 57014).
RETRYABLE_SQLSTATES = ("08", "53", "57P01", "57P02", "57P03", "40001", "40P01", "55P03", "57014")


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def api_error(http_status: int, code: str, detail: str, attr: str | None = None) -> JsonResponse:
    kind = "validation_error" if http_status == 400 else "client_error"
    error = {"code": code, "detail": detail, "attr": attr}
    return JsonResponse({"type": kind, "errors": [error]}, status=http_status)


def is_console(request) -> bool:
    return request.path.startswith("/console/")


def console_error(request, http_status: int, exception) -> TemplateResponse:
    """A refusal or a missing page in the console's own layout, saying why in plain words."""
    message = exception.args[0] if exception is not None and exception.args else ""
    return TemplateResponse(
        request,
        f"console/{http_status}.html",
        {"message": message if isinstance(message, str) else ""},
        status=http_status,
    )


def page_not_found(request, exception=None):
    """``handler404``: an API address that matches no endpoint answers JSON, like the API."""
    if is_api(request):
        return api_error(404, "not_found", "No such address in the API.")
    if is_console(request):
        return console_error(request, 404, exception)
    return defaults.page_not_found(request, exception)


def permission_denied(request, exception=None):
    """``handler403``."""
    if is_console(request):
        return console_error(request, 403, exception)
    return defaults.permission_denied(request, exception)


def is_database_outage(exc: BaseException | None) -> bool:
    """The database connection was lost or the database could not serve this request now:
    nothing of the request was committed (ATOMIC_REQUESTS), and trying again may work. Other
    database errors (a bad query, a broken constraint) are bugs, not outages."""
    if isinstance(exc, InterfaceError):  # the connection was already closed
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith(RETRYABLE_SQLSTATES)
    if type(cause).__module__.startswith("psycopg"):
        return True  # psycopg gives a lost connection no SQLSTATE ("server closed the connection")
    # SQLite: another process holds the database.
    return getattr(cause, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED")


def service_unavailable(request) -> HttpResponse:
    """503 with ``Retry-After``: the API's error shape under /api/, elsewhere a page in the
    shop's layout saying nothing was placed or charged and to try again (plain HTML when even
    that page cannot be drawn, the database still being away)."""
    if is_api(request):
        response = JsonResponse(
            {
                "type": "server_error",
                "errors": [{"code": "service_unavailable", "detail": TRY_AGAIN, "attr": None}],
            },
            status=503,
        )
    else:
        try:
            response = TemplateResponse(
                request, "503.html", {"retry_after": RETRY_AFTER_SECONDS}, status=503
            ).render()
        except Exception:  # the layout needs the database too: say it plainly instead
            logger.warning("The 503 page could not be drawn; answering plain HTML", exc_info=True)
            response = HttpResponse(PLAIN_503, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


TRY_AGAIN = (
    "The shop lost its connection to the database while answering. Nothing was saved: "
    f"try again in {RETRY_AFTER_SECONDS} seconds."
)
PLAIN_503 = (
    '<!doctype html><html lang="en-gb"><title>Please try again</title>'
    "<h1>Please try again</h1><p>Sorry, the shop could not finish that just now and nothing "
    "was saved: no order was placed and nothing was charged. Please try again in a few "
    "seconds.</p></html>"
)


def server_error(request):
    """``handler500``: an error outside any view (the database gone while reading the session,
    say) that is a database outage answers 503 with ``Retry-After`` as in a view; any other
    error is Django's 500."""
    if is_database_outage(sys.exc_info()[1]):
        return service_unavailable(request)
    return defaults.server_error(request)
