"""``/healthz`` and ``/readyz`` answered first, before every other middleware.

A load balancer asks by plain HTTP, often with the server's address as its Host: the HTTPS
redirect, the ALLOWED_HOSTS check and the sessions, locale and second-factor middleware must
not stand in its way or add their cost to a request made every few seconds. Nothing in these
answers depends on the Host or on who asks, so skipping the Host check opens nothing.
Other methods go on to the URL routes, which refuse them (405).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from ipx.health.views import liveness, readiness

ENDPOINTS: dict[str, Callable[[HttpRequest], HttpResponse]] = {"/healthz": liveness, "/readyz": readiness}


class HealthEndpointsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = ENDPOINTS.get(request.path_info)
        if view is None or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        return view(request)
