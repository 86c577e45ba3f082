"""The replay check: a lot bid on through the service replays to its stored rows and state;
a tampered row, a gap in the sequence, a missing deposit or an unknown attempt is reported."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ipx.accounts.models import User
from ipx.auctions.models import Bid, Deposit, Lot
from ipx.auctions.replay import check_lot
from ipx.auctions.services import control
from ipx.auctions.tests.scene import bid
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def bid_in_the_last_minutes(live: Lot, buyer: Member, outsider: Member) -> Lot:
    """Bids with proxies, an automatic defence, and a close moved by bids in the soft-close window."""
    close = timezone.now() + timedelta(minutes=2)
    Lot.objects.filter(pk=live.pk).update(closes_at=close, scheduled_close=close)
    bid(buyer, live, "100000", maximum="120000", key="b-1")
    bid(outsider, live, "110000", key="o-1")  # the buyer's proxy answers
    bid(outsider, live, "125000", maximum="140000", key="o-2")  # beats the buyer's maximum
    bid(buyer, live, "145000", key="b-2")
    bid(buyer, live, "145000", maximum="160000", key="b-3")  # the leader raises its maximum over the reserve
    live.refresh_from_db()
    assert live.closes_at > close and live.last_seq >= 5  # the scene is what the test needs
    return live


def test_a_lot_bid_on_through_the_service_replays_exactly(live: Lot, buyer: Member, outsider: Member) -> None:
    lot = bid_in_the_last_minutes(live, buyer, outsider)
    assert check_lot(lot.pk) == []
    Lot.objects.filter(pk=lot.pk).update(leader_max=Decimal("170000"))
    assert any("leader_max" in problem for problem in check_lot(lot.pk))


def test_operator_moves_before_the_first_bid_are_replayed(live: Lot, operator: User, buyer: Member,
                                                              outsider: Member) -> None:
    control.lot_extend(operator=operator, lot_id=live.pk, closes_at=live.closes_at + timedelta(minutes=30),
                       reason="Late start")
    control.lot_pause(operator=operator, lot_id=live.pk, reason="Network trouble")
    control.lot_resume(operator=operator, lot_id=live.pk, reason="Back")
    live.refresh_from_db()
    assert live.scheduled_close == live.closes_at
    bid(buyer, live, "100000", maximum="130000", key="b-1")
    bid(outsider, live, "120000", key="o-1")
    assert check_lot(live.pk) == []


def test_a_tampered_bid_amount_is_reported(live: Lot, buyer: Member, outsider: Member) -> None:
    lot = bid_in_the_last_minutes(live, buyer, outsider)
    Bid.objects.filter(lot=lot, seq=2).update(amount=Decimal("112000"))
    problems = check_lot(lot.pk)
    assert any("bid #2" in problem and "112000" in problem for problem in problems), problems


def test_a_gap_in_the_sequence_is_reported(live: Lot, buyer: Member, outsider: Member) -> None:
    lot = bid_in_the_last_minutes(live, buyer, outsider)
    Bid.objects.filter(lot=lot, seq=3).update(seq=lot.last_seq + 5)
    problems = check_lot(lot.pk)
    assert any("number 3 is missing" in problem for problem in problems), problems


def test_a_missing_deposit_is_reported(live: Lot, buyer: Member, outsider: Member) -> None:
    lot = bid_in_the_last_minutes(live, buyer, outsider)
    Deposit.objects.filter(lot=lot, registration__organisation=outsider.organisation).delete()
    problems = check_lot(lot.pk)
    assert problems and all("without a deposit" in problem for problem in problems), problems


def test_a_bid_without_a_key_cannot_be_replayed(live: Lot, buyer: Member, outsider: Member) -> None:
    bid(buyer, live, "100000", key="b-1")
    bid(outsider, live, "105000")
    problems = check_lot(live.pk)
    assert problems == ["Cannot replay: bid #2 has no receipt (it was placed without an Idempotency-Key)."]


def test_an_operator_move_after_the_first_bid_is_not_guessed(live: Lot, operator: User, buyer: Member) -> None:
    bid(buyer, live, "100000", key="b-1")
    control.lot_extend(operator=operator, lot_id=live.pk, closes_at=live.closes_at + timedelta(minutes=30),
                       reason="Network trouble")
    problems = check_lot(live.pk)
    assert problems == ["Cannot replay: the operator moved the close (extend) after the first bid."]
