"""Request guards: refusals become pages with the right status, and NUL characters (which
PostgreSQL cannot store or compare) are refused before anything reads them."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote, unquote_plus

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ipx.core.errors import ApplicationError, ValidationFailed


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
        return True
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("application/json"):
        return b"\x00" in request.body or b"\\u0000" in request.body
    if content_type.startswith("application/x-www-form-urlencoded"):
        return "\x00" in unquote_plus(request.body.decode("utf-8", "replace"))
    return False  # multipart bodies carry files, which may hold any byte


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _has_nul(request):
            return self.get_response(request)
        error = ValidationFailed(_("The request contains a NUL character, which no field accepts."), code="invalid")
        if request.path.startswith("/api/"):
            return JsonResponse(error.as_dict(), status=400)
        # Refused before the signed-in user is read (the page's menu asks who it is): the
        # error page is drawn for nobody.
        request.user = AnonymousUser()
        return render(request, "web/error.html", {"error": error}, status=400)


class ApplicationErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ApplicationError) or request.path.startswith("/api/"):
            return None
        return render(request, "web/error.html", {"error": exception}, status=exception.status)
