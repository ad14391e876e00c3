"""Errors answered before or outside any API view, in the API's one error shape
(``apps.api.exceptions``) for addresses under /api/, inside the console's layout under
/console/ (staff keep their way back), as Django's pages elsewhere."""

from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.views import defaults


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
