"""Escrow, milestone by milestone: the buyer funds, the buyer or an operator releases to the
seller less the platform fee, a cancelled deal refunds what is held.

Every path locks the deal row first, then the deal's milestones in primary-key order, checks
the milestone's workflow on the locked rows, and only then moves money through the ledger.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.core.errors import ValidationFailed
from ipx.core.money import Money, parse_amount
from ipx.deals.contracts import escrow, notices
from ipx.deals.contracts.services.common import locked_deal, locked_milestone, notify_parties
from ipx.deals.contracts.workflow import MILESTONE, acting_for
from ipx.deals.models import Deal, DealMilestone
from ipx.deals.timeline import Verb, money_params
from ipx.ledger import services as ledger


@transaction.atomic
def milestone_fund(*, deal_id: int, position: int, actor: User) -> DealMilestone:
    """The buyer moves the milestone's amount from its available balance into escrow."""
    deal = locked_deal(actor, deal_id)
    milestone = locked_milestone(deal, position)
    MILESTONE.check(milestone, "fund", actor)
    escrow.hold(deal, milestone, actor=actor)
    amount = Money(milestone.amount, deal.currency)
    MILESTONE.transition(milestone, "fund", actor=actor, acting_for=acting_for(deal, actor), check=False,
                         params={"position": milestone.position, **money_params(amount)})
    notify_parties(deal, notices.FUNDED, actor=actor,
                   params={"position": milestone.position, **money_params(amount)})
    return milestone


def fund_from_escrow(deal: Deal, position: int, *, from_reference: str, actor: User | None) -> DealMilestone:
    """Fund the locked deal's milestone with money the buyer already holds in another escrow
    (an auction winner's deposit): the money was committed before the contract, so the
    signatures the buyer's own funding waits for are not needed here."""
    milestone = locked_milestone(deal, position)
    amount = Money(milestone.amount, deal.currency)
    ledger.escrow_transfer(payer=deal.buyer, money=amount, from_reference=from_reference,
                           to_reference=milestone.ledger_reference, actor=actor)
    MILESTONE.transition(milestone, "fund", actor=actor, check=False,
                         params={"position": milestone.position, **money_params(amount)})
    return milestone


def forfeit_held(deal: Deal, position: int, *, exchange_percent: Decimal, actor: User | None) -> tuple[Money, Money]:
    """Pay what is held for the locked deal's milestone to the seller, less the exchange's share
    (a forfeited auction deposit); returns (the seller's part, the exchange's part)."""
    milestone = locked_milestone(deal, position)
    held = escrow.held_amount(milestone)
    share = escrow.fee_for(held, fee_percent=exchange_percent, currency=deal.currency)
    ledger.escrow_release(payer=deal.buyer, payee=deal.seller, money=Money(held, deal.currency), fee=share,
                          reference=milestone.ledger_reference, actor=actor)
    milestone.released_amount += held
    to_seller, to_exchange = Money(held - share, deal.currency), Money(share, deal.currency)
    MILESTONE.transition(milestone, "release", actor=actor, check=False, fields=("released_amount",),
                         params={"position": milestone.position, **money_params(to_seller),
                                 **money_params(to_exchange, "fee"), "forfeited": True})
    return to_seller, to_exchange


def pay_out(deal: Deal, milestone: DealMilestone, amount: Decimal, *, actor: User | None,
            automatic: bool = False) -> Decimal:
    """Pay ``amount`` out of the locked milestone's escrow (its release checked by the
    caller) and record it; returns the fee. All of it paid out releases the milestone."""
    _entry, fee = escrow.release(deal, milestone, amount, actor=actor)
    milestone.released_amount += amount
    released, fee_money = Money(amount, deal.currency), Money(fee, deal.currency)
    params = {"position": milestone.position, **money_params(released), **money_params(fee_money, "fee"),
              "automatic": automatic}
    if milestone.released_amount + milestone.refunded_amount >= milestone.amount:
        MILESTONE.transition(milestone, "release", actor=actor, params=params, fields=("released_amount",),
                             check=False)
    else:
        milestone.save(update_fields=["released_amount"])
        MILESTONE.record(milestone, Verb.RELEASED, actor=actor, params=params)
    notify_parties(deal, notices.RELEASED, actor=actor, params=params)
    return fee


@transaction.atomic
def milestone_release(*, deal_id: int, position: int, actor: User,
                      amount: Decimal | str | None = None) -> DealMilestone:
    """Release all (or ``amount``) of what is held for the milestone to the seller, less the fee.

    By a member of the buyer or an operator, once the milestone's condition holds.
    """
    deal = locked_deal(actor, deal_id)
    milestone = locked_milestone(deal, position)
    MILESTONE.check(milestone, "release", actor)
    held = escrow.held_amount(milestone)
    if amount is None or amount == "":
        value = held
    else:
        value = parse_amount(amount, deal.currency, field="amount")
        if value > held:
            raise ValidationFailed.for_field(
                "amount", _("Only %(held)s is held for this milestone; you cannot release more.")
                % {"held": Money(held, deal.currency)})
    pay_out(deal, milestone, value, actor=actor)
    return milestone


def refund_held(deal: Deal, *, actor: User | None) -> list[Money]:
    """Return everything held for the locked deal's milestones to the buyer; what went back."""
    refunded = []
    for milestone in escrow.locked_milestones(deal):
        milestone.deal = deal
        held = escrow.held_amount(milestone)
        if held <= 0:
            continue
        escrow.refund(deal, milestone, held, actor=actor)
        milestone.refunded_amount += held
        money = Money(held, deal.currency)
        MILESTONE.transition(milestone, "refund", actor=actor, params={"position": milestone.position,
                                                                       **money_params(money)},
                             fields=("refunded_amount",), check=False)
        refunded.append(money)
    return refunded
