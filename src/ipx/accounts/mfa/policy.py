"""Of whom the exchange requires a second factor."""

from __future__ import annotations

from typing import Any

from ipx.accounts.models import Membership, Organisation

_REQUIRED = "_ipx_second_factor_required"


def second_factor_required(user: Any) -> bool:
    """Staff (operators among them) and members of financial institutions: they reach every
    member's records or move other people's money, so a stolen password alone must not do."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff:
        return True
    # Asked by more than one middleware per request: remembered on the request's user.
    if _REQUIRED not in user.__dict__:
        user.__dict__[_REQUIRED] = Membership.objects.filter(
            user=user, organisation__kind=Organisation.Kind.FINANCIAL).exists()
    return bool(user.__dict__[_REQUIRED])
