"""Load balancers probe ``/health/`` and ``/health/live`` by the server's address, over plain
HTTP: these two answer first, before the host check (``ALLOWED_HOSTS``), the HTTPS redirect,
the session and the rest of the middleware."""

from asgiref.sync import async_to_sync, iscoroutinefunction

from . import views

PROBES = {"/health/": views.health, "/health/live": views.live}


class HealthProbes:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = PROBES.get(request.path_info)
        if view is None:
            return self.get_response(request)
        response = async_to_sync(view)(request) if iscoroutinefunction(view) else view(request)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()  # the HTML page for a browser, a TemplateResponse
        return response
