"""The operator opens a lot before its time: with a reason, operators only, scheduled lots of
an announced or live session only (the session goes live with its first open lot)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ipx.accounts.models import User
from ipx.auctions.models import AuctionSession, Lot
from ipx.auctions.services import control, setup
from ipx.auctions.tests.scene import admitted, bid
from ipx.core.errors import ApplicationError, Conflict, PermissionDenied, ValidationFailed
from ipx.testing.fixtures import Member
from ipx.testing.scenes import deposit

pytestmark = pytest.mark.django_db


def test_an_operator_opens_a_lot_before_its_time(lot: Lot, operator: User, owner: Member, buyer: Member,
                                                 outsider: Member) -> None:
    with pytest.raises(ValidationFailed):  # the session is still being prepared
        control.lot_open(operator=operator, lot_id=lot.pk, reason="提前开拍")
    setup.session_announce(operator=operator, session_id=lot.session_id)
    with pytest.raises(PermissionDenied):
        control.lot_open(operator=owner.user, lot_id=lot.pk, reason="x")
    with pytest.raises(ValidationFailed):
        control.lot_open(operator=operator, lot_id=lot.pk, reason="  ")
    opened_lot = control.lot_open(operator=operator, lot_id=lot.pk, reason="提前开拍")
    assert opened_lot.status == Lot.Status.OPEN and opened_lot.opens_at <= timezone.now()
    assert AuctionSession.objects.get(pk=lot.session_id).status == AuctionSession.Status.LIVE
    assert lot.events.filter(verb="open", actor=operator, note="提前开拍").exists()
    # The clock's own task for the old opening time finds the lot open and does nothing.
    assert control.lot_open_due(lot_id=lot.pk) == Lot.Status.OPEN
    with pytest.raises(ApplicationError):  # open already
        control.lot_open(operator=operator, lot_id=lot.pk, reason="again")


def test_a_lot_opened_early_takes_bids_at_once(lot: Lot, operator: User, buyer: Member) -> None:
    setup.session_announce(operator=operator, session_id=lot.session_id)
    admitted(buyer, lot.session, operator)
    deposit(buyer.organisation, "1000000")
    with pytest.raises(Conflict):  # not open yet: its time is an hour away
        bid(buyer, lot, "100000")
    control.lot_open(operator=operator, lot_id=lot.pk, reason="提前开拍")
    assert bid(buyer, lot, "100000").leading
