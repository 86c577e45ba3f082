"""Sessions end by themselves: after ``IPX_SESSION_IDLE_MINUTES_PRIVILEGED`` (30) minutes
without a request for staff, operators and members of financial institutions, after
``IPX_SESSION_IDLE_MINUTES`` (12 hours) for everyone else, and at once when their owner
ended them from another device. The request then goes on signed out (a page asks to log in,
the API answers 401), with a message saying why."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from ipx.accounts.mfa.policy import second_factor_required
from ipx.accounts.sessions import services
from ipx.accounts.sessions.models import UserSession

# How often the last-seen moment is written (not on every request: each write saves the session).
TOUCH_SECONDS = 60


def idle_minutes(user: object) -> int:
    if second_factor_required(user):
        return int(settings.IPX_SESSION_IDLE_MINUTES_PRIVILEGED)
    return int(settings.IPX_SESSION_IDLE_MINUTES)


class SessionActivityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        user = request.user
        now = time.time()
        record_id = session.get(services.RECORD)
        if not isinstance(record_id, int):
            # Signed in before sessions had rows: adopted, without counting as a fresh login.
            record_id = services.session_start(request, user, authenticated=False).pk  # type: ignore[arg-type]
        elif not services.is_open(record_id, user):  # type: ignore[arg-type]
            logout(request)
            messages.info(request, _("This session was ended; log in again."))
            return
        minutes = idle_minutes(user)
        seen_at = session.get(services.SEEN_AT)
        if isinstance(seen_at, int | float) and now - seen_at > minutes * 60:
            services.session_end(record_id, reason=UserSession.End.IDLE)
            logout(request)
            messages.info(request, _("You were logged out after %(minutes)d minutes without activity.")
                          % {"minutes": minutes})
            return
        if not isinstance(seen_at, int | float) or now - seen_at >= TOUCH_SECONDS:
            services.session_touch(request, record_id, now=now)
            # The cookie and the stored session expire with the idle limit too.
            session.set_expiry(minutes * 60)
