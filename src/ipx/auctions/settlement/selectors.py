"""Who sees a lot's settlement, and what they may do with it: the buyer it concerns, the
seller and the operators; to everyone else a lot's settlement does not exist."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from ipx.accounts.selectors import memberships_of
from ipx.auctions.models import Lot, Settlement
from ipx.auctions.settlement.services import runner_up_refusal
from ipx.auctions.workflow import SETTLEMENT
from ipx.core.errors import NotFound
from ipx.core.money import ZERO, AmountSum
from ipx.deals.models import DealMilestone


@dataclass(frozen=True)
class SettlementView:
    settlement: Settlement
    actions: list[str]  # the viewer's: pay, accept, decline
    is_buyer: bool
    # A settlement of the lot that went before (a forfeit, a decline), for the story.
    earlier: list[Settlement]
    # What paying moves now: the deal's milestones not yet funded and the premium if unpaid.
    to_pay: Decimal


def _organisation_ids(user: Any) -> set[int]:
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return {m.organisation_id for m in memberships_of(user)}


def settlement_view(lot: Lot, user: Any) -> SettlementView | None:
    """The lot's latest settlement the viewer may see (the seller and operators see every one;
    a bidder only its own), with the steps the viewer may take now."""
    settlements = list(lot.settlements.select_related("registration__organisation", "deal").order_by("id"))
    mine = _organisation_ids(user)
    if not (getattr(user, "is_operator", False) or lot.listing.organisation_id in mine):
        settlements = [s for s in settlements if s.registration.organisation_id in mine]
    if not settlements:
        return None
    latest = settlements[-1]
    return SettlementView(settlement=latest, actions=SETTLEMENT.allowed_actions(latest, user),
                          is_buyer=latest.registration.organisation_id in mine, earlier=settlements[:-1],
                          to_pay=_to_pay(latest))


def _to_pay(settlement: Settlement) -> Decimal:
    premium = settlement.premium if settlement.premium_paid_at is None else ZERO
    if settlement.deal_id is None:
        return settlement.price + premium
    pending = DealMilestone.objects.filter(deal_id=settlement.deal_id, status=DealMilestone.Status.PENDING)
    return (pending.aggregate(total=AmountSum("amount"))["total"] or ZERO) + premium


def settlement_of(lot: Lot, user: Any) -> SettlementView:
    """``settlement_view``, or 404 when the viewer may see no settlement of the lot."""
    view = settlement_view(lot, user)
    if view is None:
        raise NotFound(_("This lot has no settlement you can see."))
    return view


def may_offer_runner_up(lot: Lot, user: Any) -> bool:
    return bool(getattr(user, "is_operator", False)) and runner_up_refusal(lot) is None
