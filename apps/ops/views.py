"""Health probes for load balancers and monitoring: ``/health/`` checks the services the shop
needs, ``/health/live`` only that the process answers."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from health_check.views import HealthCheckView

CHECKS = (
    "health_check.checks.Database",
    "health_check.checks.Cache",
    "apps.ops.health.Broker",
    "apps.ops.health.Migrations",
    "apps.ops.health.WorkerHeartbeat",
)


class HealthView(HealthCheckView):
    """200 when every check passes, 500 otherwise; JSON for ``Accept: application/json``
    (or ``?format=json``), plain text for ``text/plain``, an HTML page for a browser."""

    checks = CHECKS


health = HealthView.as_view()


@never_cache
def live(request):
    """The process is up and answers; nothing else is touched (no database, no cache)."""
    return JsonResponse({"status": "ok"})
