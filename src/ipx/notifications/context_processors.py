from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ipx.accounts.mfa.state import step_pending
from ipx.accounts.models import User
from ipx.live.selectors import stream_url
from ipx.notifications.live import STREAM
from ipx.notifications.selectors import unread_count


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {}
    if step_pending(request) is not None:
        # Held at the second factor: the inbox and its stream would only send them back there,
        # and a stream request racing the code's submission (which gives the session a new key)
        # would come back without the session and clear the new cookie.
        return {}
    # The stream's number first: a notification arriving in between is counted, not missed.
    live_url = stream_url(STREAM, user.pk)
    return {"unread_notifications": unread_count(user), "unread_live_url": live_url}
