"""The security log (logger ``ipx.security``): sign-ins, failures, lockouts, sign-outs and
changes of password or e-mail confirmation, with who, from which address and where.

Nothing a person typed as a secret is written: a failed sign-in logs the address it was
for, never the password. axes keeps its own tables beside this log (``AccessAttempt``,
``AccessLog``, ``AccessFailureLog``; the back-office shows them).
"""

from __future__ import annotations

import logging
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from ipx.core.network import request_ip

logger = logging.getLogger("ipx.security")

LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOCKED_OUT = "locked_out"
LOGOUT = "logout"
CREDENTIAL_CHANGED = "password_changed"
CREDENTIAL_RESET = "password_reset"
RESET_REQUESTED = "password_reset_requested"
EMAIL_CONFIRMED = "email_confirmed"


def record(event: str, *, request: HttpRequest | None, user_id: int | None = None, email: str | None = None,
           level: int = logging.INFO) -> None:
    """One line of the security log; its fields are also on the record (``security_event``,
    ``user_id``, ``email``, ``ip``, ``path``) for handlers that write structured logs."""
    ip = request_ip(request) if request is not None else None
    path = request.path if request is not None else ""
    fields = {"security_event": event, "user_id": user_id, "email": email, "ip": ip, "path": path}
    logger.log(level, "%s user=%s email=%s ip=%s path=%s", event, user_id, email, ip, path, extra=fields)


@receiver(user_logged_in, dispatch_uid="ipx.security.login")
def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record(LOGIN, request=request, user_id=user.pk, email=user.email)


@receiver(user_login_failed, dispatch_uid="ipx.security.login_failed")
def _login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None,
                  **kwargs: Any) -> None:
    # Only the address tried; Django masks the password in ``credentials``, and it is not
    # written anyway.
    email = str(credentials.get("username") or credentials.get("email") or "").strip().lower() or None
    record(LOGIN_FAILED, request=request, email=email, level=logging.WARNING)


@receiver(user_locked_out, dispatch_uid="ipx.security.locked_out")
def _locked_out(sender: Any, request: HttpRequest | None = None, username: str | None = None,
                **kwargs: Any) -> None:
    record(LOCKED_OUT, request=request, email=username, level=logging.WARNING)


@receiver(user_logged_out, dispatch_uid="ipx.security.logout")
def _logged_out(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
    if user is not None:
        record(LOGOUT, request=request, user_id=user.pk, email=user.email)
