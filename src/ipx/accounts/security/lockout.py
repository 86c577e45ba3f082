"""Lockout after failed sign-ins, on django-axes (settings: ``AXES_*`` and
``IPX_LOGIN_WIDE_FAILURE_LIMIT``).

Three counts are kept over the cool-off window: one account from one address, one account from
any address, one address on any account. The first locks at ``AXES_FAILURE_LIMIT`` (5): the
sixth attempt of that pair is refused with 429 before its password is looked at. The two wider
counts lock at ``IPX_LOGIN_WIDE_FAILURE_LIMIT`` (20), so that one address cannot lock someone
else's account (it stops at five failures per account) while many addresses guessing one
account, or one address trying many accounts, are stopped all the same.

A refused attempt answers 429 in the usual shape: the JSON error under ``/api/``, a page in the
reader's language elsewhere. The failure that reaches the limit answers like every failure, so
the answer never tells whether a password was nearly right.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_lockout_parameters
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ipx.core.errors import ApplicationError

# Set on a request whose sign-in the lockout refused before any password was checked.
_REFUSED = "ipx_sign_in_refused"


class TooManyAttempts(ApplicationError):
    status = 429
    code = "too_many_attempts"


def cool_off_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    return _("Too many failed attempts to log in. For your safety, logging in is paused for %(minutes)d "
             "minutes. Try again later, or reset your password.") % {"minutes": cool_off_minutes()}


def refused(request: HttpRequest) -> bool:
    """Whether the lockout refused this request's sign-in (then no password was checked)."""
    return bool(getattr(request, _REFUSED, False))


class LockoutBackend(AxesStandaloneBackend):
    """axes' backend, which refuses a locked-out client before the password backends run;
    it also marks the request, so that the view can tell a refusal from a wrong password."""

    def authenticate(self, request: HttpRequest, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> None:
        try:
            super().authenticate(request, username, password, **kwargs)
        except AxesBackendPermissionDenied:
            setattr(request, _REFUSED, True)
            raise


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with one limit per kind of count. axes compares a single number
    with ``AXES_FAILURE_LIMIT``; the wide counts (a lone ``username`` or ``ip_address`` in
    ``AXES_LOCKOUT_PARAMETERS``) are scaled to it, so that 20 failures on an account weigh as
    much as 5 from one address."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        narrow = settings.AXES_FAILURE_LIMIT
        wide = settings.IPX_LOGIN_WIDE_FAILURE_LIMIT
        counts = [0]
        parameters = get_lockout_parameters(request, credentials)
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            counts.append(failures if isinstance(parameter, list) else failures * narrow // wide)
        return max(counts)


def attempted_email(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """The account an attempt was for, written one way (the login page, the API and the
    back-office all pass it as ``username``), so that ``A@x`` and ``a@x `` count together."""
    value = (credentials or {}).get("username")
    if value is None:
        value = request.POST.get("email") or request.POST.get("username")
    text = str(value or "").strip().lower()
    return text or None


def refusal_response(request: HttpRequest) -> HttpResponse:
    """429 in the caller's terms: the usual JSON error for the API, a page for a person."""
    message = lockout_message()
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(TooManyAttempts(message).as_dict(), status=429)
    else:
        response = render(request, "accounts/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict[str, Any] | None = None) -> HttpResponse:
    """What axes' middleware answers for a request it marked as locked out. Only an attempt
    refused outright gets the 429; the failure that reached the limit keeps its own answer
    (a wrong password reads the same whether it was the first or the fifth)."""
    if original_response is not None and (original_response.status_code == 429 or not refused(request)):
        return original_response
    return refusal_response(request)
