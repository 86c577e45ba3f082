from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ipx.accounts.models import User
from ipx.notifications.selectors import unread_count


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}
