"""Setting a session up, registering, bidding with deposits and proxies, and closing on the
clock: each step through the services, each bad input refused with nothing changed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from ipx.accounts.models import Membership, Organisation, User
from ipx.auctions.inputs import BidValues, SessionValues
from ipx.auctions.models import AuctionSession, Bid, Deposit, Lot, Registration
from ipx.auctions.services import control, registration, setup
from ipx.auctions.services.bidding import bid_place
from ipx.auctions.tests.scene import admitted, available, bid, close_now, lot_values, opened
from ipx.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from ipx.ledger.services import escrow_balance
from ipx.notifications.models import Notification
from ipx.tasks.models import Task
from ipx.testing.factories import MembershipFactory
from ipx.testing.fixtures import Member
from ipx.testing.scenes import deposit, published_listing

pytestmark = pytest.mark.django_db


def test_a_lot_is_set_up_only_from_good_input(session: AuctionSession, owner: Member, operator: User,
                                              buyer: Member) -> None:
    listing = published_listing(owner.organisation, owner.user, operator)
    cases: dict[str, dict[str, Any]] = {
        "starting_price": {"starting_price": "100500"},  # not a step of the default table
        "reserve_price": {"reserve_price": "90000"},
        "closes_at": {"closes_at": timezone.now() - timedelta(minutes=5)},
        "hard_end": {"hard_end": timezone.now() + timedelta(minutes=30)},
        "soft_close_minutes": {"soft_close_minutes": "999"},
        "buyer_premium_percent": {"buyer_premium_percent": "12.345"},
        "offer_kind": {"offer_kind": "licence"},  # the listing offers a transfer only
        "increments": {"increments": [["0", "1000"], ["50500", "1000"], ["40000", "0"]]},
        "deposit": {"deposit": "12.345"},
    }
    for field, change in cases.items():
        with pytest.raises(ValidationFailed) as error:
            setup.lot_add(operator=operator, session_id=session.pk, values=lot_values(listing.pk, **change))
        assert field in (error.value.fields or {}), (field, error.value.fields)
    with pytest.raises(PermissionDenied):
        setup.lot_add(operator=buyer.user, session_id=session.pk, values=lot_values(listing.pk))
    assert not Lot.objects.exists()
    lot = setup.lot_add(operator=operator, session_id=session.pk, values=lot_values(listing.pk))
    assert (lot.number, lot.status, lot.increments[0]) == (1, Lot.Status.SCHEDULED, ["0", "1000"])
    with pytest.raises(ValidationFailed) as error:  # one unfinished auction per listing
        setup.lot_add(operator=operator, session_id=session.pk, values=lot_values(listing.pk))
    assert "listing_id" in (error.value.fields or {})


def test_times_and_a_reserve_no_bidder_could_use_are_refused(session: AuctionSession, owner: Member,
                                                             operator: User) -> None:
    listing = published_listing(owner.organisation, owner.user, operator)
    now = timezone.now()
    # Opened and closed within the session, but already over: it would count as offered and unsold.
    over = {"opens_at": now - timedelta(minutes=50), "closes_at": now - timedelta(minutes=10)}
    for field, change in (("closes_at", over), ("hard_end", {"hard_end": "9999-12-31T23:59"}),
                          ("reserve_price", {"reserve_price": "105500"}),  # steps of 5,000 there
                          ("opens_at", {"opens_at": "2026-02-30T10:00"})):
        with pytest.raises(ValidationFailed) as error:
            setup.lot_add(operator=operator, session_id=session.pk, values=lot_values(listing.pk, **change))
        assert field in (error.value.fields or {}), (field, error.value.fields)
    with pytest.raises(ValidationFailed) as error:  # its day in UTC would be before the calendar's first
        setup.session_create(operator=operator, values=SessionValues(title="T0", starts_at="0001-01-01T00:00"))
    assert "starts_at" in (error.value.fields or {})
    lot = setup.lot_add(operator=operator, session_id=session.pk, values=lot_values(listing.pk))
    Lot.objects.filter(pk=lot.pk).update(closes_at=now - timedelta(minutes=1))  # set up, then left for days
    with pytest.raises(Conflict) as refused:
        setup.session_announce(operator=operator, session_id=session.pk)
    assert refused.value.code == "lots_closed"
    session.refresh_from_db()
    assert session.status == AuctionSession.Status.DRAFT


def test_announcing_puts_each_lot_on_the_clock(lot: Lot, operator: User, on_commit: Any) -> None:
    with on_commit():
        setup.session_announce(operator=operator, session_id=lot.session_id)
    names = set(Task.objects.filter(kwargs__lot_id=lot.pk).values_list("name", flat=True))
    assert names == {control.OPEN_TASK, control.CLOSE_TASK, control.CLOSING_SOON_TASK}
    assert control.lot_open_due(lot_id=lot.pk) == Lot.Status.SCHEDULED  # not yet its time
    Lot.objects.filter(pk=lot.pk).update(opens_at=timezone.now())
    assert control.lot_open_due(lot_id=lot.pk) == Lot.Status.OPEN
    assert control.lot_open_due(lot_id=lot.pk) == Lot.Status.OPEN  # a second worker's run changes nothing
    assert AuctionSession.objects.get(pk=lot.session_id).status == AuctionSession.Status.LIVE


def test_registration_needs_a_verified_organisation_before_the_session_goes_live(
        lot: Lot, operator: User, buyer: Member, owner: Member) -> None:
    with pytest.raises(Exception, match="No such auction session"):  # not announced: not public
        registration.registration_apply(actor=buyer.user, session_id=lot.session_id,
                                        organisation_id=buyer.organisation.pk)
    setup.session_announce(operator=operator, session_id=lot.session_id)
    Organisation.objects.filter(pk=buyer.organisation.pk).update(status=Organisation.Status.PENDING)
    with pytest.raises(PermissionDenied):
        registration.registration_apply(actor=buyer.user, session_id=lot.session_id,
                                        organisation_id=buyer.organisation.pk)
    Organisation.objects.filter(pk=buyer.organisation.pk).update(status=Organisation.Status.VERIFIED)
    first = admitted(buyer, lot.session, operator)
    assert first.bidder_number == 101
    with pytest.raises(Conflict):
        registration.registration_apply(actor=buyer.user, session_id=lot.session_id,
                                        organisation_id=buyer.organisation.pk)
    Lot.objects.filter(pk=lot.pk).update(opens_at=timezone.now())
    control.lot_open_due(lot_id=lot.pk)
    with pytest.raises(Conflict, match="closed"):
        registration.registration_apply(actor=owner.user, session_id=lot.session_id,
                                        organisation_id=owner.organisation.pk)


def test_bids_freeze_the_deposit_and_follow_the_rules(live: Lot, buyer: Member, outsider: Member,
                                                      owner: Member) -> None:
    before = available(buyer.organisation)
    result = bid(buyer, live, "100000", maximum="130000")
    assert (result.leading, result.first_seq, result.last_seq) == (True, 1, 1)
    assert escrow_balance(payer=buyer.organisation, currency="CNY", reference=f"auction-lot:{live.pk}") == 20000
    assert available(buyer.organisation) == before - 20000
    # The outsider bids 110,000: the buyer's proxy answers one increment (5,000 from 100,000
    # in the default table) above, and keeps the lead.
    result = bid(outsider, live, "110000")
    assert (result.leading, result.first_seq, result.last_seq) == (False, 2, 3)
    live.refresh_from_db()
    assert live.leader is not None
    assert (live.price, live.leader.organisation_id, live.last_seq) == (115000, buyer.organisation.pk, 3)
    assert list(Bid.objects.filter(lot=live).values_list("seq", "amount", "automatic")) == [
        (1, 100000, False), (2, 110000, False), (3, 115000, True)]
    # A bid above the buyer's maximum leads at its own amount (the proxy had nothing to answer).
    assert bid(outsider, live, "140000").leading is True
    live.refresh_from_db()
    assert live.price == 140000
    assert Notification.objects.filter(verb="auction.outbid", organisation=buyer.organisation).count() == 1
    refusals = [
        (buyer, "140500", ValidationFailed),  # not a step
        (buyer, "120000", ValidationFailed),  # below the minimum
        (outsider, "150000", Conflict),  # already leads
        (owner, "200000", PermissionDenied),  # not registered (and the seller)
    ]
    for member, amount, error in refusals:
        with pytest.raises(error):
            bid(member, live, amount)
    with pytest.raises(ValidationFailed, match="decimal"):
        bid(buyer, live, "150000.001")
    with pytest.raises(ValidationFailed) as wrong:
        bid_place(actor=buyer.user, lot_id=live.pk, values=BidValues(amount="150000", currency="HKD"))
    assert "currency" in (wrong.value.fields or {})
    live.refresh_from_db()
    assert (live.price, live.last_seq, Bid.objects.filter(lot=live).count()) == (140000, 4, 4)


def test_a_retried_bid_is_answered_once_and_a_reused_key_refused(live: Lot, buyer: Member) -> None:
    first = bid(buyer, live, "100000", key="k-1")
    again = bid(buyer, live, "100000", key="k-1")
    assert (again.replayed, again.first_seq) == (True, first.first_seq)
    assert Bid.objects.filter(lot=live).count() == 1
    with pytest.raises(Conflict, match="Idempotency-Key"):
        bid(buyer, live, "120000", key="k-1")
    with pytest.raises(ValidationFailed):
        bid(buyer, live, "120000", key="x" * 101)


def test_one_key_sent_at_once_for_bids_on_two_lots_bids_once(lot: Lot, buyer: Member, outsider: Member,
                                                              owner: Member, operator: User,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from ipx.auctions.services import bidding

    other = setup.lot_add(operator=operator, session_id=lot.session_id, values=lot_values(
        published_listing(owner.organisation, owner.user, operator).pk))
    live = opened(lot, operator, buyer, outsider)
    Lot.objects.filter(pk=other.pk).update(opens_at=timezone.now())
    control.lot_open_due(lot_id=other.pk)
    bid(buyer, other, "100000", key="same")
    # The second request read no receipt before the first one's was written (another lot's lock).
    monkeypatch.setattr(bidding, "_receipt", lambda registration, key: None)
    with pytest.raises(Conflict, match="Idempotency-Key"):
        bid(buyer, live, "100000", key="same")
    assert not Bid.objects.filter(lot=live).exists()
    assert not Deposit.objects.filter(lot=live).exists()


def test_a_seller_registered_as_a_bidder_cannot_bid_on_its_own_lot(live: Lot, owner: Member, operator: User) -> None:
    Registration.objects.create(session=live.session, organisation=owner.organisation, applied_by=owner.user,
                                status=Registration.Status.ADMITTED, bidder_number=300)
    deposit(owner.organisation, "50000")
    with pytest.raises(PermissionDenied, match="own lot"):
        bid(owner, live, "100000")


def test_a_bid_in_the_last_minutes_extends_the_close_up_to_the_hard_end(live: Lot, buyer: Member,
                                                                         outsider: Member) -> None:
    soon = timezone.now() + timedelta(minutes=2)
    Lot.objects.filter(pk=live.pk).update(closes_at=soon, hard_end=soon + timedelta(minutes=10))
    bid(buyer, live, "100000")
    live.refresh_from_db()
    assert soon < live.closes_at <= timezone.now() + timedelta(minutes=5)
    assert live.events.filter(verb="extended").count() == 1
    hard_end = timezone.now() + timedelta(minutes=3)
    Lot.objects.filter(pk=live.pk).update(closes_at=timezone.now() + timedelta(minutes=1), hard_end=hard_end)
    bid(outsider, live, "110000")
    live.refresh_from_db()
    assert live.closes_at == hard_end  # capped at the hard end
    # The other bidder hears of it wherever it is; the one who bid does not.
    assert Notification.objects.filter(verb="auction.extended", organisation=buyer.organisation).count() == 1
    assert not Notification.objects.filter(verb="auction.extended", organisation=outsider.organisation).exists()
    Lot.objects.filter(pk=live.pk).update(closes_at=timezone.now() + timedelta(minutes=30))
    assert control.lot_closing_soon_due(lot_id=live.pk) == 0  # not within ten minutes of the close
    Lot.objects.filter(pk=live.pk).update(closes_at=timezone.now() + timedelta(minutes=9))
    assert control.lot_closing_soon_due(lot_id=live.pk) == 2
    assert Notification.objects.filter(verb="auction.closing_soon").count() == 2


def test_paused_and_closed_lots_take_no_bids(live: Lot, buyer: Member, operator: User) -> None:
    with pytest.raises(ValidationFailed):
        control.lot_pause(operator=operator, lot_id=live.pk, reason="")
    control.lot_pause(operator=operator, lot_id=live.pk, reason="A technical check")
    with pytest.raises(Conflict, match="paused"):
        bid(buyer, live, "100000")
    with pytest.raises(InvalidTransition):  # a close chosen now would be moved again by the resume
        control.lot_extend(operator=operator, lot_id=live.pk, closes_at=live.closes_at + timedelta(hours=1),
                           reason="More time")
    resumed = control.lot_resume(operator=operator, lot_id=live.pk, reason="Checked")
    assert resumed.closes_at >= live.closes_at
    control.lot_withdraw(operator=operator, lot_id=live.pk, reason="The seller sold it elsewhere")
    with pytest.raises(Conflict, match="closed"):
        bid(buyer, live, "100000")


def test_the_clock_sells_at_the_reserve_and_releases_the_other_deposits_once(
        live: Lot, buyer: Member, outsider: Member) -> None:
    bid(buyer, live, "140000")
    bid(outsider, live, "160000")
    assert control.lot_close_due(lot_id=live.pk) == Lot.Status.OPEN  # not yet its time
    assert close_now(live) == Lot.Status.SOLD
    assert control.lot_close_due(lot_id=live.pk) == Lot.Status.SOLD  # a second worker's run changes nothing
    reference = f"auction-lot:{live.pk}"
    assert escrow_balance(payer=buyer.organisation, currency="CNY", reference=reference) == 0
    assert escrow_balance(payer=outsider.organisation, currency="CNY", reference=reference) == 20000
    assert available(buyer.organisation) == 1000000
    statuses = dict(Deposit.objects.filter(lot=live).values_list("registration__organisation", "status"))
    assert statuses == {buyer.organisation.pk: "released", outsider.organisation.pk: "held"}
    assert Notification.objects.filter(verb="auction.won", organisation=outsider.organisation).exists()
    assert Notification.objects.filter(verb="auction.lost", organisation=buyer.organisation).exists()
    assert AuctionSession.objects.get(pk=live.session_id).status == AuctionSession.Status.FINISHED


def test_below_the_reserve_the_lot_is_unsold_and_every_deposit_released(live: Lot, buyer: Member) -> None:
    bid(buyer, live, "120000")
    assert close_now(live) == Lot.Status.UNSOLD
    assert available(buyer.organisation) == 1000000
    assert not Deposit.objects.filter(lot=live, status=Deposit.Status.HELD).exists()


def test_a_maximum_that_covers_the_reserve_buys_the_lot_at_the_reserve(live: Lot, buyer: Member) -> None:
    bid(buyer, live, "100000", maximum="200000")
    live.refresh_from_db()
    assert live.price == 150000  # lifted to the reserve its maximum covers
    assert close_now(live) == Lot.Status.SOLD


def test_only_those_who_bind_an_organisation_register_it_or_bid_for_it(live: Lot, buyer: Member,
                                                                        operator: User) -> None:
    # A bid binds the organisation to buy at its price and holds its deposit.
    clerk = MembershipFactory.create(organisation=buyer.organisation, role=Membership.Role.MEMBER).user
    other = setup.session_create(operator=operator, values=SessionValues(
        title="第二场", starts_at=timezone.now() + timedelta(days=1)))
    with pytest.raises(PermissionDenied) as refused:
        registration.registration_apply(actor=clerk, session_id=other.pk, organisation_id=buyer.organisation.pk)
    assert refused.value.code == "not_signatory"
    before = available(buyer.organisation)
    with pytest.raises(PermissionDenied) as refused:  # the organisation is admitted to this session
        bid_place(actor=clerk, lot_id=live.pk, values=BidValues(amount="100000", currency="CNY"))
    assert refused.value.code == "not_signatory"
    assert not Bid.objects.filter(lot=live).exists() and available(buyer.organisation) == before
    bid(buyer, live, "100000")  # its administrator may
    assert Bid.objects.filter(lot=live).count() == 1
