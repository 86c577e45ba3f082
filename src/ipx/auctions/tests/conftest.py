"""Fixtures of the auction tests, drawn from ``scene``."""

from __future__ import annotations

import pytest

from ipx.accounts.models import User
from ipx.auctions.live import forget as forget_live_hall
from ipx.auctions.models import AuctionSession, Lot
from ipx.auctions.tests.scene import new_lot, new_session, opened
from ipx.testing.fixtures import Member


@pytest.fixture(autouse=True)
def _fresh_live_hall() -> None:
    """Each test's database numbers its lots from 1 again: the hall's kept renderings go."""
    forget_live_hall()


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
