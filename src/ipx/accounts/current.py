"""Which of a user's organisations the pages act for (kept in the session)."""

from __future__ import annotations

from django.http import HttpRequest

from ipx.accounts.models import Membership
from ipx.accounts.selectors import memberships_of

SESSION_KEY = "ipx_organisation_id"


def current_membership(request: HttpRequest) -> tuple[Membership | None, list[Membership]]:
    cached: tuple[Membership | None, list[Membership]] | None = getattr(request, "_ipx_memberships", None)
    if cached is not None:
        return cached
    memberships = list(memberships_of(request.user))
    wanted = request.session.get(SESSION_KEY)
    current = next((m for m in memberships if m.organisation_id == wanted), None)
    if current is None and memberships:
        current = memberships[0]
    # Asked several times per page (menu, view); one query is enough.
    setattr(request, "_ipx_memberships", (current, memberships))  # noqa: B010
    return current, memberships


def choose_organisation(request: HttpRequest, organisation_id: int) -> bool:
    memberships = memberships_of(request.user)
    if not memberships.filter(organisation_id=organisation_id).exists():
        return False
    request.session[SESSION_KEY] = organisation_id
    request.__dict__.pop("_ipx_memberships", None)
    return True
