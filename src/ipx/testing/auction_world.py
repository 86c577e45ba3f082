"""The auctions of the access world (``ipx.testing.access_world``): a session in each state a
step starts from, built through the auction services as the exchange itself would build them.

- *finished*: one lot of home's, sold to the counterparty (its results are public), one of
  the counterparty's won by home, whose settlement awaits home's payment (the contract unsigned),
  and one of the counterparty's lost by its buyer (a bidder of its own, not of the matrix, which
  did not pay and forfeited), home the runner-up the operators may offer it to;
- *announced*: registration open, a scheduled lot of home's and one of the counterparty's (so
  that home may apply too), and the counterparty's application awaiting the operator;
- *live*: home admitted as a bidder (it has money), the outsider not registered; an open lot
  of the counterparty's (home bids on it), an open lot of home's own (home may not bid on it)
  and a paused lot of the counterparty's (to resume);
- *draft*: being prepared, with one lot: only operators learn it exists.

Lots open through the clock's own step (``control.lot_open_due``) once their opening time is
past, as the scheduled task would open them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from ipx.accounts.models import Organisation, User
from ipx.auctions.inputs import BidValues, LotValues, SessionValues
from ipx.auctions.models import AuctionSession, Lot, Registration, Settlement
from ipx.auctions.services import control, registration, setup
from ipx.auctions.services.bidding import bid_place
from ipx.auctions.settlement.services import lot_settle_due, settlement_due
from ipx.ledger.services import available_account, balance_of
from ipx.testing.factories import OrganisationFactory
from ipx.testing.scenes import deposit, person, published_listing

STARTING_PRICE = "100000"
RUNNER_UP_BEATEN_BY = "110000"  # the next step up from the starting price
DEPOSIT = "20000"
DRAFT_TITLE = "MX draft auction"  # shown to operators only (``access_world.SECRETS``)


@dataclass
class AuctionWorld:
    finished: AuctionSession
    sold_lot: Lot  # home's, sold to the counterparty
    won_lot: Lot  # the counterparty's, won by home: its settlement awaits payment
    lost_lot: Lot  # the counterparty's, forfeited by its buyer: home is the runner-up
    announced: AuctionSession
    announced_lot: Lot  # home's, scheduled
    applied: Registration  # the counterparty's application to the announced session
    live: AuctionSession
    open_lot: Lot  # the counterparty's, open, no bids yet: home's roles bid on it
    own_lot: Lot  # home's, open in the same session: home may not bid on it
    paused_lot: Lot  # the counterparty's, paused
    draft: AuctionSession
    draft_lot: Lot


def _session(operator: User, title: str, starts_in: timedelta) -> AuctionSession:
    return setup.session_create(operator=operator, values=SessionValues(
        title=title, starts_at=timezone.now() + starts_in, description="知识产权公开拍卖。"))


def _lot(session: AuctionSession, seller: Organisation, seller_user: User, operator: User,
         *, reserve: str | None = None) -> Lot:
    """A lot of a new published listing of ``seller``'s, opening a minute after its session
    starts (or from now, for a session already started)."""
    listing = published_listing(seller, seller_user, operator)
    opens_at = max(session.starts_at, timezone.now()) + timedelta(minutes=1)
    return setup.lot_add(operator=operator, session_id=session.pk, values=LotValues(
        listing_id=listing.pk, offer_kind="transfer", starting_price=STARTING_PRICE, deposit=DEPOSIT,
        opens_at=opens_at, closes_at=opens_at + timedelta(days=1), hard_end=opens_at + timedelta(days=2),
        reserve_price=reserve, soft_close_minutes=5))


def _admitted(session: AuctionSession, applicant: User, organisation: Organisation, operator: User) -> Registration:
    applied = registration.registration_apply(actor=applicant, session_id=session.pk, organisation_id=organisation.pk)
    return registration.registration_admit(operator=operator, registration_id=applied.pk)


def _opened(lot: Lot) -> Lot:
    """The lot's opening time comes, and the clock's step opens it."""
    Lot.objects.filter(pk=lot.pk).update(opens_at=timezone.now() - timedelta(seconds=1))
    assert control.lot_open_due(lot_id=lot.pk) == Lot.Status.OPEN
    lot.refresh_from_db()
    return lot


def _lost(lot: Lot, *, runner_up: User, buyer: User) -> None:
    """``runner_up`` bids, ``buyer`` outbids it and wins, and forfeits at its deadline unpaid."""
    _opened(lot)
    for bidder, amount in ((runner_up, STARTING_PRICE), (buyer, RUNNER_UP_BEATEN_BY)):
        bid_place(actor=bidder, lot_id=lot.pk, values=BidValues(amount=amount, currency="CNY",
                                                                key=f"matrix-lost-{lot.pk}-{bidder.pk}"))
    Lot.objects.filter(pk=lot.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert control.lot_close_due(lot_id=lot.pk) == Lot.Status.SOLD
    lot_settle_due(lot_id=lot.pk)
    settlement = Settlement.objects.get(lot=lot)
    Settlement.objects.filter(pk=settlement.pk).update(due_at=timezone.now() - timedelta(seconds=1))
    assert settlement_due(settlement_id=settlement.pk) == Settlement.Status.FORFEITED


def build_auction_world(*, home: Organisation, admin: User, counterparty: Organisation, counterparty_admin: User,
                        operator: User) -> AuctionWorld:
    """The sessions above; home and the counterparty must have money (a lot's deposit is
    frozen from it at a bidder's first bid)."""
    assert balance_of(available_account(organisation=home, currency="CNY")) >= Decimal(DEPOSIT)

    finished = _session(operator, "湾区知识产权拍卖会（已结束）", -timedelta(hours=1))
    sold_lot = _lot(finished, home, admin, operator)
    won_lot = _lot(finished, counterparty, counterparty_admin, operator)
    lost_lot = _lot(finished, counterparty, counterparty_admin, operator)
    setup.session_announce(operator=operator, session_id=finished.pk)
    _admitted(finished, counterparty_admin, counterparty, operator)
    _admitted(finished, admin, home, operator)
    defaulter = OrganisationFactory.create(name="湾区竞买人有限公司")
    deposit(defaulter, DEPOSIT)
    defaulter_admin = person("defaulter@matrix.example", "Wei Qian", defaulter)
    _admitted(finished, defaulter_admin, defaulter, operator)
    for lot, bidder in ((sold_lot, counterparty_admin), (won_lot, admin)):
        _opened(lot)
        bid_place(actor=bidder, lot_id=lot.pk, values=BidValues(amount=STARTING_PRICE, currency="CNY",
                                                                key=f"matrix-sold-{lot.pk}"))
        Lot.objects.filter(pk=lot.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
        assert control.lot_close_due(lot_id=lot.pk) == Lot.Status.SOLD
        lot.refresh_from_db()
    _lost(lost_lot, runner_up=admin, buyer=defaulter_admin)
    # The close queues the settling; the world settles the lot home won at once.
    lot_settle_due(lot_id=won_lot.pk)
    finished.refresh_from_db()
    assert finished.status == AuctionSession.Status.FINISHED

    announced = _session(operator, "湾区知识产权拍卖会（报名中）", timedelta(days=7))
    announced_lot = _lot(announced, home, admin, operator)
    _lot(announced, counterparty, counterparty_admin, operator)
    setup.session_announce(operator=operator, session_id=announced.pk)
    applied = registration.registration_apply(actor=counterparty_admin, session_id=announced.pk,
                                              organisation_id=counterparty.pk)

    live = _session(operator, "湾区知识产权拍卖会（进行中）", -timedelta(hours=1))
    lots = [_lot(live, counterparty, counterparty_admin, operator), _lot(live, home, admin, operator),
            _lot(live, counterparty, counterparty_admin, operator)]
    setup.session_announce(operator=operator, session_id=live.pk)
    _admitted(live, admin, home, operator)
    open_lot, own_lot, paused_lot = (_opened(lot) for lot in lots)
    paused_lot = control.lot_pause(operator=operator, lot_id=paused_lot.pk, reason="核实拍品权属。")
    live.refresh_from_db()
    assert live.status == AuctionSession.Status.LIVE

    draft = _session(operator, DRAFT_TITLE, timedelta(days=10))
    draft_lot = _lot(draft, home, admin, operator)
    announced.refresh_from_db()
    return AuctionWorld(finished=finished, sold_lot=sold_lot, won_lot=won_lot, lost_lot=lost_lot, announced=announced,
                        announced_lot=announced_lot, applied=applied, live=live, open_lot=open_lot,
                        own_lot=own_lot, paused_lot=paused_lot,
                        draft=draft, draft_lot=draft_lot)
