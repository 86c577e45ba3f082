"""The auction tests' scene: a session starting an hour ago, a lot of the owner's published
listing, two admitted bidders with money (``conftest`` makes them fixtures), and a lot sold to
the buyer and settled."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from ipx.accounts.models import Organisation, User
from ipx.auctions.inputs import BidValues, LotValues, SessionValues
from ipx.auctions.models import AuctionSession, Lot, Registration, Settlement
from ipx.auctions.services import control, registration, setup
from ipx.auctions.services.bidding import bid_place
from ipx.auctions.settlement import services as settlement_services
from ipx.deals.contracts.services import deal_sign
from ipx.deals.models import Deal
from ipx.ledger.models import LedgerAccount
from ipx.ledger.services import account_for, available_account, balance_of
from ipx.testing.fixtures import Member
from ipx.testing.scenes import deposit, published_listing


def lot_values(listing_id: int, **changes: Any) -> LotValues:
    now = timezone.now()
    values = LotValues(listing_id=listing_id, offer_kind="transfer", starting_price="100000", deposit="20000",
                       opens_at=now + timedelta(minutes=1), closes_at=now + timedelta(hours=1),
                       hard_end=now + timedelta(hours=2), reserve_price="150000", soft_close_minutes=5)
    return replace(values, **changes)


def new_session(operator: User) -> AuctionSession:
    return setup.session_create(operator=operator, values=SessionValues(
        title="湾区知识产权拍卖会", starts_at=timezone.now() - timedelta(hours=1)))


def new_lot(session: AuctionSession, owner: Member, operator: User) -> Lot:
    listing = published_listing(owner.organisation, owner.user, operator)
    return setup.lot_add(operator=operator, session_id=session.pk, values=lot_values(listing.pk))


def admitted(member: Member, session: AuctionSession, operator: User) -> Registration:
    applied = registration.registration_apply(actor=member.user, session_id=session.pk,
                                              organisation_id=member.organisation.pk)
    return registration.registration_admit(operator=operator, registration_id=applied.pk)


def opened(lot: Lot, operator: User, buyer: Member, outsider: Member, *others: Member) -> Lot:
    """An announced session, two (or more) admitted bidders with money, the lot open (by the
    clock's task, called here when the lot's opening time has come)."""
    setup.session_announce(operator=operator, session_id=lot.session_id)
    for member in (buyer, outsider, *others):
        admitted(member, lot.session, operator)
        deposit(member.organisation, "1000000")
    # Its opening time comes (the task queued for it would open it now).
    Lot.objects.filter(pk=lot.pk).update(opens_at=timezone.now() - timedelta(seconds=1))
    assert control.lot_open_due(lot_id=lot.pk) == Lot.Status.OPEN
    lot.refresh_from_db()
    return lot


def bid(member: Member, lot: Lot, amount: str, **extra: Any) -> Any:
    return bid_place(actor=member.user, lot_id=lot.pk, values=BidValues(amount=amount, currency="CNY", **extra))


def available(organisation: Organisation) -> Decimal:
    return balance_of(available_account(organisation=organisation, currency="CNY"))


def close_now(lot: Lot) -> str:
    Lot.objects.filter(pk=lot.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    return control.lot_close_due(lot_id=lot.pk)


def fee_income() -> Decimal:
    return balance_of(account_for(kind=LedgerAccount.Kind.FEE_INCOME, currency="CNY"))


def sold(live: Lot, buyer: Member, outsider: Member, *, premium: str = "10", commission: str = "5") -> Settlement:
    """Outsider bids 150,000, buyer wins at 160,000; the lot closes and is settled."""
    Lot.objects.filter(pk=live.pk).update(buyer_premium_percent=Decimal(premium),
                                          seller_commission_percent=Decimal(commission))
    bid(outsider, live, "150000")
    bid(buyer, live, "160000")
    assert close_now(live) == Lot.Status.SOLD
    settlement_id = settlement_services.lot_settle_due(lot_id=live.pk)
    assert settlement_id is not None
    return Settlement.objects.select_related("deal").get(pk=settlement_id)


def signed(deal: Deal, owner: Member, buyer: Member) -> None:
    deal_sign(deal_id=deal.pk, actor=buyer.user)
    deal_sign(deal_id=deal.pk, actor=owner.user)


def past_due(settlement: Settlement) -> None:
    Settlement.objects.filter(pk=settlement.pk).update(due_at=timezone.now() - timedelta(seconds=1))
