"""Every answer under /api/ in JSON: refusals made before or outside the API's own handlers
(no route for the address, a method the address does not take, a middleware's failure or
refusal) otherwise come as Django's HTML pages, which an API client cannot read."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from ipx.api.errors import error_body

API_PREFIX = "/api/"

# The error codes of the one error shape, by HTTP status.
CODES = {400: "invalid", 401: "not_authenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "too_large", 429: "too_many_requests", 500: "server_error"}


def _message(status: int) -> str:
    messages = {
        400: _("The request is not valid."),
        403: _("You may not do this."),
        404: _("Not found."),
        405: _("This address does not take this method."),
        413: _("The request is too large."),
        500: _("Something went wrong on our side."),
    }
    return messages.get(status, _("The request failed."))


def as_json_error(response: HttpResponseBase) -> HttpResponseBase:
    """``response`` in the error shape, keeping its status and headers (e.g. ``Allow``)."""
    status = response.status_code
    answer = JsonResponse(error_body(CODES.get(status, "error"), _message(status)), status=status)
    for header, value in response.items():
        if header.lower() not in {"content-type", "content-length"}:
            answer[header] = value
    return answer


def is_json(response: HttpResponseBase) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip() == "application/json"


class JsonErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX) and response.status_code >= 400 and not is_json(response):
            return as_json_error(response)
        return response
