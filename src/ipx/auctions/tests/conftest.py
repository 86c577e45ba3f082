"""Fixtures of the auction tests, drawn from ``scene``."""

from __future__ import annotations

import pytest

from ipx.accounts.models import User
from ipx.auctions.models import AuctionSession, Lot
from ipx.auctions.tests.scene import new_lot, new_session, opened
from ipx.testing.fixtures import Member


@pytest.fixture
def session(operator: User) -> AuctionSession:
    return new_session(operator)


@pytest.fixture
def lot(session: AuctionSession, owner: Member, operator: User) -> Lot:
    return new_lot(session, owner, operator)


@pytest.fixture
def live(lot: Lot, operator: User, buyer: Member, outsider: Member) -> Lot:
    """An announced session, two admitted bidders with money, the lot open."""
    return opened(lot, operator, buyer, outsider)
