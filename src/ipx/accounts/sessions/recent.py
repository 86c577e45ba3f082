"""When the person behind a session last proved who they are (password or second factor).

Kept in the session as a Unix time: set at login and at every password or code confirmed
since, read by ``require_recent_authentication`` and the step-up checks.
"""

from __future__ import annotations

import time

from django.http import HttpRequest

AUTHENTICATED_AT = "ipx_authenticated_at"


def mark_authenticated(request: HttpRequest) -> None:
    request.session[AUTHENTICATED_AT] = time.time()


def authenticated_within(request: HttpRequest, minutes: int) -> bool:
    moment = request.session.get(AUTHENTICATED_AT)
    return isinstance(moment, int | float) and 0 <= time.time() - moment <= minutes * 60
