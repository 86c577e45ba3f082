"""``/healthz`` and ``/readyz`` for load balancers and orchestrators, and the back-office
panel. The JSON answers go out before sessions, locale and the other middleware
(``HealthEndpointsMiddleware``); the panel is an ordinary back-office page."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ipx.health.checks import STATUS_LABELS, all_checks, label, overall_status, readiness_body


def _no_store(response: HttpResponse) -> HttpResponse:
    # A cached "ok" would keep a failing server in rotation.
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def liveness(request: HttpRequest) -> HttpResponse:
    """The process answers; nothing else is asked (a database outage must not get every
    server restarted by its supervisor)."""
    return _no_store(JsonResponse({"status": "ok"}))


@require_safe
def readiness(request: HttpRequest) -> HttpResponse:
    """200 while no check is failing (degraded still serves correct answers), else 503."""
    body = readiness_body(all_checks())
    return _no_store(JsonResponse(body, status=503 if body["status"] == "failing" else 200))


def panel(request: HttpRequest) -> HttpResponse:
    """Staff only, and never cached: wrapped in ``admin.site.admin_view`` where it is routed."""
    checks = all_checks()
    status = overall_status(checks)
    rows = [{"check": check, "label": label(check.name), "status_label": STATUS_LABELS[check.status],
             "facts": sorted(check.facts.items())} for check in checks]
    context = {
        **admin.site.each_context(request),
        "title": _("System health"),
        "rows": rows,
        "status": status,
        "status_label": STATUS_LABELS[status],
        "checked_at": timezone.now(),
    }
    return TemplateResponse(request, "admin/health/panel.html", context)
