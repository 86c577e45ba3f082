"""Of whom the exchange requires a second factor."""

from __future__ import annotations

from typing import Any

from ipx.accounts.models import Membership, Organisation
from ipx.core.prepared import PreparedQuery

_REQUIRED = "_ipx_second_factor_required"
# Asked on every signed-in request: compiled once (ipx.core.prepared).
_FINANCIAL_MEMBERSHIP = PreparedQuery(lambda p: Membership.objects.filter(
    user_id=p.int("user"), organisation__kind=Organisation.Kind.FINANCIAL).order_by().values_list("pk")[:1])


def second_factor_required(user: Any) -> bool:
    """Staff (operators among them) and members of financial institutions: they reach every
    member's records or move other people's money, so a stolen password alone must not do."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff:
        return True
    # Asked by more than one middleware per request: remembered on the request's user.
    if _REQUIRED not in user.__dict__:
        user.__dict__[_REQUIRED] = bool(_FINANCIAL_MEMBERSHIP.rows(user=user.pk))
    return bool(user.__dict__[_REQUIRED])
