from __future__ import annotations

from django.http import HttpRequest

from ipx.accounts.current import current_membership


def membership(request: HttpRequest) -> dict[str, object]:
    """The organisation the signed-in user acts for on pages, and their other ones."""
    if not request.user.is_authenticated:
        return {}
    current, memberships = current_membership(request)
    return {"current_membership": current, "memberships": memberships}
