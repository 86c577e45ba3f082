"""The money side of a deal: each payment milestone has its own escrow account in the ledger.

Nothing here decides whether a movement is allowed (the services do, on locked rows); these
helpers compute fees and held amounts and post the ledger transactions. Every amount goes
through ``ipx.ledger.services``, whose own checks (no member account below zero, balanced
postings) are the second line of defence: even if two requests got past the services'
checks, the escrow account cannot pay out the same money twice.

The ledger stores no words for these transactions: its statement describes them from their
kind and reference ("deal:12:m1") in the reader's language, with ``describe`` below.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.core.money import CENT, MINOR_UNITS, ZERO, Money
from ipx.deals.models import Deal, DealMilestone
from ipx.ledger import services as ledger
from ipx.ledger.models import LedgerTransaction


def platform_fee_percent() -> Decimal:
    """The fee percent new deals get; a deal keeps the one it was made with."""
    return Decimal(str(settings.IPX_PLATFORM_FEE_PERCENT)).quantize(Decimal("0.01"))


def fee_for(amount: Decimal, *, fee_percent: Decimal, currency: str) -> Decimal:
    """amount × fee_percent / 100, rounded half-up to the currency's minor unit."""
    unit = Decimal(1).scaleb(-MINOR_UNITS[currency])
    return (amount * fee_percent / Decimal(100)).quantize(unit, rounding=ROUND_HALF_UP).quantize(CENT)


def held_amount(milestone: DealMilestone) -> Decimal:
    """What is in escrow for the milestone now (from the row's own figures)."""
    if milestone.status != DealMilestone.Status.FUNDED:
        return ZERO
    return milestone.amount - milestone.released_amount - milestone.refunded_amount


def locked_milestones(deal: Deal) -> QuerySet[DealMilestone]:
    """The deal's milestones, locked in primary-key order. Call only with the deal row locked
    first: every money path takes the deal, then its milestones, so two requests never wait
    on each other in opposite orders."""
    return DealMilestone.objects.select_for_update().filter(deal=deal).order_by("pk")


def escrow_balance(deal: Deal, milestone: DealMilestone) -> Decimal:
    return ledger.escrow_balance(payer=deal.buyer, currency=deal.currency, reference=milestone.ledger_reference)


def hold(deal: Deal, milestone: DealMilestone, *, actor: User) -> LedgerTransaction:
    """The buyer's available money goes into the milestone's escrow (InsufficientFunds if short)."""
    return ledger.escrow_hold(
        payer=deal.buyer, money=Money(milestone.amount, deal.currency), reference=milestone.ledger_reference,
        actor=actor,
    )


def release(deal: Deal, milestone: DealMilestone, amount: Decimal, *, actor: User | None) -> tuple[
        LedgerTransaction, Decimal]:
    """Pay ``amount`` from the milestone's escrow to the seller, less the platform fee."""
    fee = fee_for(amount, fee_percent=deal.fee_percent, currency=deal.currency)
    entry = ledger.escrow_release(
        payer=deal.buyer, payee=deal.seller, money=Money(amount, deal.currency), fee=fee,
        reference=milestone.ledger_reference, actor=actor,
    )
    return entry, fee


def refund(deal: Deal, milestone: DealMilestone, amount: Decimal, *, actor: User | None) -> LedgerTransaction:
    """Return ``amount`` held for the milestone to the buyer's available balance."""
    return ledger.escrow_refund(
        payer=deal.buyer, money=Money(amount, deal.currency), reference=milestone.ledger_reference, actor=actor,
    )


# DealMilestone.ledger_reference: "deal:<deal id>:m<position>".
_MILESTONE_REFERENCE = re.compile(r"deal:(\d+):m(\d+)")


def describe(kind: str, reference: str) -> str | None:
    """A statement line's words for a deal's escrow transaction, in the active language."""
    match = _MILESTONE_REFERENCE.fullmatch(reference)
    if match is None:
        return None
    values = {"deal": int(match[1]), "position": int(match[2])}
    if kind == LedgerTransaction.Kind.ESCROW_HOLD:
        return _("Deal #%(deal)d, milestone %(position)d funded") % values
    if kind == LedgerTransaction.Kind.ESCROW_RELEASE:
        return _("Deal #%(deal)d, milestone %(position)d released") % values
    if kind == LedgerTransaction.Kind.ESCROW_REFUND:
        return _("Deal #%(deal)d, milestone %(position)d refunded") % values
    return None
