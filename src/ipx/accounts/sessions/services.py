"""Starting, touching and ending signed-in sessions."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.accounts.sessions.models import UserSession
from ipx.accounts.sessions.recent import mark_authenticated
from ipx.core.errors import Conflict, NotFound
from ipx.core.network import request_ip
from ipx.core.prepared import PreparedQuery

# In the session: the row's id and when the session was last used (Unix time).
RECORD = "ipx_session_id"
SEEN_AT = "ipx_seen_at"


def _user_agent(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:300]


def session_start(request: HttpRequest, user: User, *, authenticated: bool = True) -> UserSession:
    """A row for the session ``request`` has just signed ``user`` in with (or, when
    ``authenticated`` is false, one found signed in without a row, from before rows existed)."""
    record = UserSession.objects.create(user=user, user_agent=_user_agent(request),
                                        ip_address=request_ip(request))
    request.session[RECORD] = record.pk
    request.session[SEEN_AT] = time.time()
    if authenticated:
        mark_authenticated(request)
    return record


def session_start_again(request: HttpRequest) -> None:
    """The session's owner proved their password again on the login page."""
    request.session[SEEN_AT] = time.time()
    mark_authenticated(request)


def session_touch(request: HttpRequest, record_id: int, *, now: float) -> None:
    request.session[SEEN_AT] = now
    UserSession.objects.filter(pk=record_id).update(
        last_seen_at=datetime.fromtimestamp(now, tz=UTC), ip_address=request_ip(request))


def session_end(record_id: object, *, reason: str) -> None:
    if isinstance(record_id, int):
        UserSession.objects.filter(pk=record_id, ended_at__isnull=True).update(ended_at=timezone.now(),
                                                                               end_reason=reason)


# Asked on every signed-in request: compiled once (ipx.core.prepared).
_OPEN_RECORD = PreparedQuery(lambda p: UserSession.objects.filter(
    pk=p.int("record"), user_id=p.int("user"), ended_at__isnull=True).order_by().values_list("pk"))


def is_open(record_id: int, user: User) -> bool:
    return bool(_OPEN_RECORD.rows(record=record_id, user=user.pk))


@transaction.atomic
def session_revoke(*, user: User, session_id: int, current_id: object) -> UserSession:
    """End one of ``user``'s other sessions; it is signed out at its next request."""
    record = UserSession.objects.select_for_update().filter(pk=session_id, user=user,
                                                            ended_at__isnull=True).first()
    if record is None:
        raise NotFound(_("No such session."))
    if record.pk == current_id:
        raise Conflict(_("This is the session you are using; log out to end it."), code="current_session")
    record.ended_at = timezone.now()
    record.end_reason = UserSession.End.REVOKED
    record.save(update_fields=["ended_at", "end_reason"])
    return record


@transaction.atomic
def sessions_revoke_others(*, user: User, current_id: object) -> int:
    """End every session of ``user`` but the current one; how many were ended."""
    others = UserSession.objects.filter(user=user, ended_at__isnull=True)
    if isinstance(current_id, int):
        others = others.exclude(pk=current_id)
    return others.update(ended_at=timezone.now(), end_reason=UserSession.End.REVOKED)
