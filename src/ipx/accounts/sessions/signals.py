"""Every login starts a session row and stamps the moment of authentication; every logout
ends the row. Connected by the accounts app's ``ready()``; the signals fire for every way of
logging in (the login page, the admin's, a registration, tests' ``force_login``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

from ipx.accounts.models import User
from ipx.accounts.sessions import services
from ipx.accounts.sessions.models import UserSession


@receiver(user_logged_in, dispatch_uid="ipx.accounts.sessions.started")
def _started(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    # The same person logging in again keeps their session's row (Django kept its data).
    if request.session.get(services.RECORD) is not None and services.is_open(request.session[services.RECORD], user):
        services.session_start_again(request)
        return
    services.session_start(request, user)


@receiver(user_logged_out, dispatch_uid="ipx.accounts.sessions.ended")
def _ended(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        services.session_end(request.session.get(services.RECORD), reason=UserSession.End.LOGOUT)
