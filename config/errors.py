"""Errors answered before or outside any API view, in the API's one error shape
(``apps.api.exceptions``) for addresses under /api/, as Django's pages elsewhere."""

from django.http import JsonResponse
from django.views import defaults


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def api_error(http_status: int, code: str, detail: str, attr: str | None = None) -> JsonResponse:
    kind = "validation_error" if http_status == 400 else "client_error"
    error = {"code": code, "detail": detail, "attr": attr}
    return JsonResponse({"type": kind, "errors": [error]}, status=http_status)


def page_not_found(request, exception=None):
    """``handler404``: an API address that matches no endpoint answers JSON, like the API."""
    if is_api(request):
        return api_error(404, "not_found", "No such address in the API.")
    return defaults.page_not_found(request, exception)
