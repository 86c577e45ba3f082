"""The shared scenes (``ipx.testing.dataip_world``) with the tests' people."""

from __future__ import annotations

from typing import Any

from ipx.accounts.models import User
from ipx.dataip.models import DataProduct
from ipx.testing import dataip_world
from ipx.testing.dataip_world import period_over
from ipx.testing.fixtures import Member

__all__ = ["drafted", "granted", "in_publicity", "period_over"]


def drafted(owner: Member, **changes: Any) -> DataProduct:
    return dataip_world.drafted(owner.organisation, owner.user, **changes)


def in_publicity(owner: Member, operator: User, **changes: Any) -> DataProduct:
    return dataip_world.in_publicity(owner.organisation, owner.user, operator, **changes)


def granted(owner: Member, operator: User, **changes: Any) -> DataProduct:
    return dataip_world.granted(owner.organisation, owner.user, operator, **changes)
