"""Settling a sold lot, step by step (the ``SETTLEMENT`` table in ``ipx.auctions.workflow``).

- ``lot_settle_due`` (a task queued by the close): the winner's settlement and its deal; the
  winner's deposit moves from the lot's escrow into the deal's first milestone.
- ``settlement_pay``: the buyer pays the buyer's premium to the exchange and funds the deal's
  other milestones (after both sides signed, as for any deal).
- ``settlement_due`` (a task at the deadline): unpaid → the deposit is forfeited, the seller's
  share to the seller and the rest to the exchange, and the deal cancelled (what else was held
  goes back to the buyer, the listing is on offer again) — unless the sale could not go on
  through no fault of the buyer (``_not_the_buyers_fault``): then nothing is forfeited.
- ``settlement_deal_cancelled`` (after an operator cancels the deal, ``deal.cancelled``): the
  settlement ends with it, nothing forfeited and no premium charged — or, paid already, the
  premium refunded (the deal's cancelling returned what was held for the price).
- ``lot_offer_runner_up`` (an operator, with a reason): the next bidder down is offered the lot
  at its own last bid; it accepts (a deal, payment as above, without a deposit to apply) or
  declines, or the offer lapses (``offer_due``).

Each step locks the lot, then the settlement; the clock's steps find a settlement that has
moved on and do nothing, so however many workers run them they act once.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.auctions.models import Bid, Deposit, Lot, Registration, Settlement
from ipx.auctions.services.bid_checks import listing_unavailable
from ipx.auctions.services.setup import _reason
from ipx.auctions.workflow import LOT, SETTLEMENT
from ipx.core.dates import moment_words
from ipx.core.errors import Conflict, NotFound
from ipx.core.money import ZERO, Money
from ipx.deals.contracts.escrow import fee_for
from ipx.deals.contracts.pdf import deal_number
from ipx.deals.contracts.services.cancelling import cancel_locked
from ipx.deals.contracts.services.milestones import forfeit_held, fund_from_escrow, milestone_fund
from ipx.deals.models import Deal, DealMilestone
from ipx.deals.negotiation.sales import Sale, sale_conclude
from ipx.ledger.services import escrow_refund, fee_charge, fee_refund
from ipx.listings.models import Listing
from ipx.notifications.services import notify
from ipx.tasks.runner import run_at_once

SETTLE_TASK = "ipx.auctions.settlement.services.lot_settle_due"
PAYMENT_DUE_TASK = "ipx.auctions.settlement.services.settlement_due"
OFFER_DUE_TASK = "ipx.auctions.settlement.services.offer_due"
# The lot event of a sold lot whose listing left the market before it was settled.
NOT_SETTLED = "not_settled"
T = Settlement.Status


def schedule_settlement(lot: Lot) -> None:
    """Queued by the close of a sold lot: settling runs in a task of its own, so the close never
    waits for the contract to be written (nor fails with it: a failed task is re-run)."""
    run_at_once(f"auction-lot-settle:{lot.pk}", timezone.now(), SETTLE_TASK, lot_id=lot.pk)


def _lot_url(lot: Lot) -> str:
    return f"/auctions/lots/{lot.pk}/"


def _params(settlement: Settlement, lot: Lot) -> dict[str, object]:
    return {"title": lot.listing.title, "lot": lot.number, "amount": str(settlement.price),
            "premium": str(settlement.premium), "currency": lot.session.currency,
            "due_at": settlement.due_at.isoformat()}


def _premium(lot: Lot, price: Decimal) -> Decimal:
    return fee_for(price, fee_percent=lot.buyer_premium_percent, currency=lot.session.currency)


def _bidder_user(lot: Lot, registration: Registration) -> User:
    """Who acted for the buyer: the person who placed its last bid by hand, else who applied."""
    placed_by = (Bid.objects.filter(lot=lot, registration=registration, placed_by__isnull=False)
                 .order_by("-seq").values_list("placed_by", flat=True).first())
    return User.objects.get(pk=placed_by) if placed_by else registration.applied_by


def _conclude(settlement: Settlement, lot: Lot, actor: User) -> Deal:
    """The settlement's deal: the deposit applied first (its own milestone), then the balance."""
    applied, price = settlement.deposit_applied, settlement.price
    parts = [(key, amount) for key, amount in (("milestone.deposit_applied", applied),
                                               ("milestone.hammer_balance", price - applied)) if amount > 0]
    currency = lot.session.currency
    note = ("auction.terms", {"session": lot.session.title, "lot": lot.number, "hammer": Money(price, currency),
                              "premium": Money(settlement.premium, currency),
                              "premium_percent": lot.buyer_premium_percent,
                              "commission_percent": lot.seller_commission_percent})
    return sale_conclude(actor=actor, sale=Sale(
        listing=lot.listing, buyer=settlement.registration.organisation, kind=lot.offer_kind, price=price,
        currency=currency, fee_percent=lot.seller_commission_percent, parts=parts, note=note))


def _awaiting_payment(settlement: Settlement, lot: Lot, actor: User) -> None:
    """Make the deal, set the deadline, queue it and tell the buyer what to pay by when."""
    settlement.deal = _conclude(settlement, lot, actor)
    settlement.due_at = timezone.now() + timedelta(days=settings.IPX_AUCTION_PAYMENT_DAYS)
    settlement.save(update_fields=["deal", "due_at"])
    run_at_once(f"auction-settlement-due:{settlement.pk}", settlement.due_at, PAYMENT_DUE_TASK,
                settlement_id=settlement.pk)
    notify(verb="auction.pay_due", organisations=[settlement.registration.organisation], url=_lot_url(lot),
           params={**_params(settlement, lot), "deal": deal_number(settlement.deal)})


@transaction.atomic
def lot_settle_due(*, lot_id: int) -> int | None:
    """The sold lot's winner gets its settlement and deal, its deposit applied; returns the
    settlement's id (None for a lot not sold or settled already)."""
    lot = LOT.lock(lot_id, related=("session", "listing", "listing__organisation"))
    if lot.status != Lot.Status.SOLD or lot.leader_id is None or lot.price is None or lot.settlements.exists():
        return None
    winner = Registration.objects.select_related("organisation", "applied_by").get(pk=lot.leader_id)
    deposit = Deposit.objects.select_for_update().filter(lot=lot, registration=winner,
                                                         status=Deposit.Status.HELD).first()
    if listing_unavailable(lot):
        _not_settled(lot, deposit)
        return None
    applied = min(deposit.amount, lot.price) if deposit is not None else ZERO
    settlement = Settlement.objects.create(lot=lot, registration=winner, status=T.AWAITING_PAYMENT, price=lot.price,
                                           premium=_premium(lot, lot.price), deposit_applied=applied,
                                           due_at=timezone.now())
    SETTLEMENT.record(settlement, "created", actor=None, from_status="",
                      params={"amount": str(lot.price), "deposit_applied": str(applied)})
    _awaiting_payment(settlement, lot, _bidder_user(lot, winner))
    if deposit is not None:
        assert settlement.deal is not None
        if applied > 0:
            fund_from_escrow(settlement.deal, 1, from_reference=deposit.reference, actor=None)
        if deposit.amount > applied:  # a deposit above the hammer price: the rest goes back
            escrow_refund(payer=winner.organisation, money=Money(deposit.amount - applied, lot.session.currency),
                          reference=deposit.reference)
        deposit.status, deposit.settled_at = Deposit.Status.APPLIED, timezone.now()
        deposit.save(update_fields=["status", "settled_at"])
    return settlement.pk


def _not_settled(lot: Lot, deposit: Deposit | None) -> None:
    """The listing left the market between the close and the settlement (the exchange withdrew
    it): no deal is made on it; the winner's deposit goes back, and the lot no longer holds the
    listing (``listing_hooks``)."""
    if deposit is not None:
        escrow_refund(payer=deposit.registration.organisation, money=Money(deposit.amount, lot.session.currency),
                      reference=deposit.reference, memo=f"auction lot {lot.pk} deposit released")
        deposit.status, deposit.settled_at = Deposit.Status.RELEASED, timezone.now()
        deposit.save(update_fields=["status", "settled_at"])
    LOT.record(lot, NOT_SETTLED, actor=None, params={"listing_status": lot.listing.status})


def _locked(settlement_id: int) -> tuple[Lot, Settlement]:
    """The lot, then the settlement, locked (404 for an unknown settlement)."""
    lot_id = Settlement.objects.filter(pk=settlement_id).values_list("lot_id", flat=True).first()
    if lot_id is None:
        raise NotFound(_("No such settlement."))
    lot = LOT.lock(lot_id, related=("session", "listing", "listing__organisation"))
    settlement = SETTLEMENT.lock(settlement_id, related=("registration__organisation", "deal"))
    return lot, settlement


def _locked_deal(settlement: Settlement) -> Deal:
    assert settlement.deal_id is not None
    return Deal.objects.select_for_update().select_related("buyer", "seller").get(pk=settlement.deal_id)


def _charge_premium(settlement: Settlement, lot: Lot, actor: User | None) -> None:
    if settlement.premium > 0 and settlement.premium_paid_at is None:
        fee_charge(payer=settlement.registration.organisation, money=Money(settlement.premium,
                                                                           lot.session.currency),
                   reference=settlement.premium_reference, actor=actor)
        settlement.premium_paid_at = timezone.now()
        settlement.save(update_fields=["premium_paid_at"])


@transaction.atomic
def settlement_pay(*, actor: User, settlement_id: int) -> Settlement:
    """The buyer pays: the buyer's premium to the exchange, and every milestone of the deal not
    yet funded into escrow (refused whole, nothing moved, while the contract is unsigned or the
    money is short)."""
    lot, settlement = _locked(settlement_id)
    SETTLEMENT.check(settlement, "pay", actor)
    deal = _locked_deal(settlement)
    if deal.status == Deal.Status.AWAITING_SIGNATURES:  # asked here too: a deposit covering the price
        # leaves no milestone to fund, whose funding would have asked for the signatures.
        raise Conflict(_("Both sides sign the deal's contract first; then the buyer pays."), code="not_signed")
    if deal.status == Deal.Status.CANCELLED:
        raise Conflict(_("The deal of this sale was cancelled: there is nothing to pay."), code="deal_cancelled")
    _charge_premium(settlement, lot, actor)
    pending = DealMilestone.objects.filter(deal=deal, status=DealMilestone.Status.PENDING).order_by("position")
    for position in pending.values_list("position", flat=True):
        milestone_fund(deal_id=deal.pk, position=position, actor=actor)
    SETTLEMENT.transition(settlement, "pay", actor=actor, check=False,
                          params={"amount": str(settlement.price), "premium": str(settlement.premium)})
    notify(verb="auction.paid", organisations=[lot.listing.organisation], url=_lot_url(lot),
           params=_params(settlement, lot))
    return settlement


@transaction.atomic
def settlement_due(*, settlement_id: int) -> str:
    """The payment deadline: a buyer that has funded every milestone pays the premium from its
    balance and has paid; any other forfeits its deposit and the deal is cancelled, unless the
    sale could not go on through no fault of the buyer."""
    lot, settlement = _locked(settlement_id)
    if settlement.status != T.AWAITING_PAYMENT or timezone.now() < settlement.due_at:
        return settlement.status
    deal = _locked_deal(settlement)
    why = _not_the_buyers_fault(lot, deal)
    if why is not None:
        _cancel(settlement, lot, deal, why)
        return settlement.status
    funded = not DealMilestone.objects.filter(deal=deal, status=DealMilestone.Status.PENDING).exists()
    if funded:
        try:
            with transaction.atomic():
                _charge_premium(settlement, lot, None)
        except Conflict:  # the premium cannot be paid: treated as not paid
            pass
        else:
            SETTLEMENT.transition(settlement, "pay", actor=None, check=False,
                                  params={"amount": str(settlement.price), "premium": str(settlement.premium)})
            return settlement.status
    _forfeit(settlement, lot, deal)
    return settlement.status


def _not_the_buyers_fault(lot: Lot, deal: Deal) -> str | None:
    """Why the buyer could not have paid by the deadline, or None: the exchange cancelled the deal
    (whatever was held went back then), took the listing off the market (no money goes into escrow
    for it), or the buyer signed and the seller did not (money goes in only under a signed
    contract)."""
    if deal.status == Deal.Status.CANCELLED:
        return "deal_cancelled"
    if lot.listing.status not in (Listing.Status.PUBLISHED, Listing.Status.RESERVED):
        return "listing_off_market"
    signed = set(deal.signatures.values_list("organisation_id", flat=True))
    if deal.buyer_id in signed and deal.seller_id not in signed:
        return "seller_not_signed"
    return None


def _cancel(settlement: Settlement, lot: Lot, deal: Deal, why: str, *, refunded: Decimal = ZERO) -> None:
    """The sale ends without fault of the buyer: the deal cancelled (everything held, the deposit
    applied included, back to the buyer), no premium (``refunded``: the one paid, given back), the
    deposit counted as returned."""
    if deal.status != Deal.Status.CANCELLED:
        cancel_locked(deal, actor=None, reason=_("Auction lot %(lot)s could not be paid for by %(due)s through no "
                                                 "fault of the buyer; everything held is returned.")
                      % {"lot": lot.number, "due": moment_words(settlement.due_at)})
    Deposit.objects.filter(lot=lot, registration=settlement.registration, status=Deposit.Status.APPLIED).update(
        status=Deposit.Status.RELEASED, settled_at=timezone.now())
    params = {**_params(settlement, lot), "why": why, **({"premium_refunded": str(refunded)} if refunded else {})}
    SETTLEMENT.transition(settlement, "cancel", actor=None, check=False, params=params)
    notify(verb="auction.sale_cancelled", organisations=[settlement.registration.organisation,
                                                         lot.listing.organisation], url=_lot_url(lot), params=params)


def on_deal_cancelled(*, deal_id: int) -> None:
    """``deal.cancelled``: a settlement awaiting payment on that deal, or paid, ends with it."""
    for settlement_id in Settlement.objects.filter(deal_id=deal_id, status__in=(T.AWAITING_PAYMENT, T.PAID)
                                                   ).values_list("pk", flat=True):
        settlement_deal_cancelled(settlement_id=settlement_id)


@transaction.atomic
def settlement_deal_cancelled(*, settlement_id: int) -> str:
    lot, settlement = _locked(settlement_id)
    if settlement.status not in (T.AWAITING_PAYMENT, T.PAID):
        return settlement.status  # forfeited already (its deal cancelled by the forfeit), or ended
    deal = _locked_deal(settlement)
    if deal.status == Deal.Status.CANCELLED:
        # Only the exchange cancels a deal a sale made (``Deal.bound_by_sale``): its premium on a
        # sale that no longer happens goes back to the buyer.
        refunded = _refund_premium(settlement, lot)
        _cancel(settlement, lot, deal, "deal_cancelled", refunded=refunded)
    return settlement.status


def _refund_premium(settlement: Settlement, lot: Lot) -> Decimal:
    if settlement.premium <= 0 or settlement.premium_paid_at is None:
        return ZERO
    fee_refund(payee=settlement.registration.organisation, money=Money(settlement.premium, lot.session.currency),
               reference=settlement.premium_reference, actor=None)
    return settlement.premium


def _forfeit(settlement: Settlement, lot: Lot, deal: Deal) -> None:
    currency = lot.session.currency
    to_seller, to_exchange = Money(ZERO, currency), Money(ZERO, currency)
    if settlement.deposit_applied > 0:
        seller_percent = Decimal(settings.IPX_AUCTION_FORFEIT_SELLER_PERCENT)
        to_seller, to_exchange = forfeit_held(deal, 1, exchange_percent=Decimal(100) - seller_percent, actor=None)
        Deposit.objects.filter(lot=lot, registration=settlement.registration).update(
            status=Deposit.Status.FORFEITED, settled_at=timezone.now())
    params = {**_params(settlement, lot), "to_seller": str(to_seller.amount), "to_exchange": str(to_exchange.amount)}
    SETTLEMENT.transition(settlement, "forfeit", actor=None, check=False, params=params)
    due = moment_words(settlement.due_at)
    cancel_locked(deal, actor=None, reason=_("Auction lot %(lot)s was not paid for by %(due)s; the buyer's deposit "
                                             "is forfeited.") % {"lot": lot.number, "due": due})
    notify(verb="auction.forfeited", organisations=[settlement.registration.organisation], url=_lot_url(lot),
           params=params)
    notify(verb="auction.forfeit_share", organisations=[lot.listing.organisation], url=_lot_url(lot), params=params)


# --- The runner-up ----------------------------------------------------------------------------

def runner_up(lot: Lot) -> tuple[Registration, Decimal] | None:
    """The bidder with the highest last bid among those never offered the lot, and that bid."""
    offered = set(lot.settlements.values_list("registration_id", flat=True))
    best = (Bid.objects.filter(lot=lot).exclude(registration_id__in=offered).values("registration_id")
            .annotate(top=Max("amount")).order_by("-top", "registration_id").first())
    if best is None:
        return None
    return Registration.objects.select_related("organisation").get(pk=best["registration_id"]), best["top"]


def runner_up_refusal(lot: Lot) -> str | None:
    """Why the lot cannot be offered to a runner-up now, or None."""
    if lot.status != Lot.Status.SOLD:
        return _("Only a sold lot is offered to the runner-up.")
    latest = lot.settlements.order_by("-id").first()
    if latest is None or latest.status not in (T.FORFEITED, T.DECLINED, T.LAPSED):
        return _("The lot is offered to the runner-up only after its buyer forfeited or declined it.")
    if runner_up(lot) is None:
        return _("No other bidder is left to offer the lot to.")
    return None


@transaction.atomic
def lot_offer_runner_up(*, operator: User, lot_id: int, reason: str) -> Settlement:
    """An operator offers the lot to the next bidder down at its own last bid."""
    LOT.admit("extend", None, operator)  # operators only, as every control of a lot
    reason = _reason(reason)
    lot = LOT.lock(lot_id, related=("session", "listing", "listing__organisation"))
    refusal = runner_up_refusal(lot)
    if refusal is not None:
        raise Conflict(refusal)
    found = runner_up(lot)
    assert found is not None
    registration, price = found
    settlement = Settlement.objects.create(
        lot=lot, registration=registration, status=T.OFFERED, price=price, premium=_premium(lot, price),
        due_at=timezone.now() + timedelta(days=settings.IPX_AUCTION_OFFER_DAYS))
    SETTLEMENT.record(settlement, "offered", actor=operator, note=reason, from_status="",
                      params={"amount": str(price)})
    run_at_once(f"auction-settlement-offer:{settlement.pk}", settlement.due_at, OFFER_DUE_TASK,
                settlement_id=settlement.pk)
    notify(verb="auction.runner_up", organisations=[registration.organisation], url=_lot_url(lot),
           params=_params(settlement, lot))
    return settlement


@transaction.atomic
def settlement_accept(*, actor: User, settlement_id: int) -> Settlement:
    """The runner-up takes the lot at its last bid: the deal follows, to be paid by the deadline."""
    lot, settlement = _locked(settlement_id)
    SETTLEMENT.check(settlement, "accept", actor)
    if timezone.now() >= settlement.due_at:
        raise Conflict(_("This offer lapsed at %(due)s.") % {"due": moment_words(settlement.due_at)})
    SETTLEMENT.transition(settlement, "accept", actor=actor, check=False)
    _awaiting_payment(settlement, lot, actor)
    return settlement


@transaction.atomic
def settlement_decline(*, actor: User, settlement_id: int, reason: str = "") -> Settlement:
    lot, settlement = _locked(settlement_id)
    SETTLEMENT.check(settlement, "decline", actor)
    SETTLEMENT.transition(settlement, "decline", actor=actor, note=str(reason or "")[:2000])
    notify(verb="auction.runner_up_ended", organisations=[lot.listing.organisation], url=_lot_url(lot),
           params=_params(settlement, lot))
    return settlement


@transaction.atomic
def offer_due(*, settlement_id: int) -> str:
    """The runner-up's time to answer is over: the offer lapses."""
    lot, settlement = _locked(settlement_id)
    if settlement.status != T.OFFERED or timezone.now() < settlement.due_at:
        return settlement.status
    SETTLEMENT.transition(settlement, "lapse", actor=None, check=False)
    notify(verb="auction.runner_up_ended", organisations=[lot.listing.organisation], url=_lot_url(lot),
           params=_params(settlement, lot))
    return settlement.status
