"""``/healthz`` and ``/readyz`` for load balancers and orchestrators, and the back-office
panel. The JSON answers go out before sessions, locale and the other middleware
(``HealthEndpointsMiddleware``); the panel is an ordinary back-office page."""

from __future__ import annotations

import logging
import threading

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ipx.core.errors import ValidationFailed
from ipx.core.health import Check
from ipx.health.checks import STATUS_LABELS, all_checks, check_names, label, overall_status, readiness_body

logger = logging.getLogger("ipx.health")


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
    try:
        exclude = _excluded(request)
    except ValidationFailed as refusal:
        return _no_store(JsonResponse(refusal.as_dict(), status=refusal.status))
    checks = all_checks(exclude)
    body = readiness_body(checks)
    response = JsonResponse(body, status=503 if body["status"] == "failing" else 200)
    _log_change(checks)
    # A load balancer asks every few seconds: Django would log each 503 as an error; the
    # change of state is logged once instead (above).
    # Django's own marker (django.utils.log.log_response), which its type stubs do not declare.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return _no_store(response)


def _excluded(request: HttpRequest) -> frozenset[str]:
    """``?exclude=a,b`` or ``?exclude=a&exclude=b``; a name that is no check is refused, so a
    misspelt exclusion cannot pass unnoticed."""
    names = frozenset(name.strip() for value in request.GET.getlist("exclude") for name in value.split(",")
                      if name.strip())
    unknown = sorted(names - check_names())
    if unknown:
        raise ValidationFailed(
            _("No such check: %(unknown)s. The checks are: %(known)s.") % {
                "unknown": ", ".join(unknown), "known": ", ".join(sorted(check_names()))},
            fields={"exclude": ", ".join(unknown)})
    return names


_last_failing: set[str] = set()
_last_failing_lock = threading.Lock()


def _log_change(checks: list[Check]) -> None:
    """Logs when checks start or stop failing in this process, not on every request."""
    failing = {check.name for check in checks if check.status == "failing"}
    with _last_failing_lock:
        started, ended = failing - _last_failing, _last_failing - failing
        _last_failing.clear()
        _last_failing.update(failing)
    for check in checks:
        if check.name in started:
            logger.error("readiness: %s is failing: %s", check.name, check.detail)
    for name in sorted(ended):
        logger.warning("readiness: %s is no longer failing", name)


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
