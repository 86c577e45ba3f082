"""Which of a user's organisations the pages act for (kept in the session)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from ipx.accounts.models import Membership, Organisation, User
from ipx.accounts.selectors import MEMBERSHIP_ORDER, memberships_of
from ipx.core.prepared import PreparedQuery, field_paths, instance_and_related

SESSION_KEY = "ipx_organisation_id"


# Read for the menu of every signed-in page: compiled once (ipx.core.prepared); the rows of
# memberships_of, in its order, with their organisation.
_MEMBERSHIPS = PreparedQuery(lambda p: Membership.objects.filter(user_id=p.int("user")).order_by(
    *MEMBERSHIP_ORDER).values_list(*field_paths(Membership), *field_paths(Organisation, "organisation__")))


def _memberships(user: User | AnonymousUser) -> list[Membership]:
    if not isinstance(user, User):  # anonymous: no memberships
        return []
    found = []
    for row in _MEMBERSHIPS.rows(user=user.pk):
        membership, organisation = instance_and_related(row, Membership, Organisation)
        membership.organisation = organisation
        membership.user = user  # whether a membership binds asks if the address is confirmed
        found.append(membership)
    return found


def current_membership(request: HttpRequest) -> tuple[Membership | None, list[Membership]]:
    cached: tuple[Membership | None, list[Membership]] | None = getattr(request, "_ipx_memberships", None)
    if cached is not None:
        return cached
    memberships = _memberships(request.user)
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
