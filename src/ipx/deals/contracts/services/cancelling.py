"""Cancelling a deal before completion: all money held goes back to the buyer, and a
reserved listing is on offer again. Until both sides have signed either party may cancel;
afterwards only an operator, directly or by granting a party's request (``disputes``)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.deals.contracts import notices
from ipx.deals.contracts.pdf import deal_number
from ipx.deals.contracts.services.common import clean_note, locked_deal, notify_parties, reserves_listing
from ipx.deals.contracts.services.milestones import refund_held
from ipx.deals.contracts.workflow import DEAL, acting_for
from ipx.deals.models import Deal
from ipx.listings.services import listing_release_reservation


@transaction.atomic
def deal_cancel(*, deal_id: int, actor: User, reason: str) -> Deal:
    """A party (before both have signed) or an operator (before completion) cancels: all held
    money goes back to the buyer."""
    deal = locked_deal(actor, deal_id)
    DEAL.check(deal, "cancel", actor)
    reason = clean_note(reason, field="reason", required=True,
                        message=_("Say why the deal is cancelled; the other side sees it."))
    cancel_locked(deal, actor=actor, reason=reason)
    return deal


def cancel_locked(deal: Deal, *, actor: User | None, reason: str) -> None:
    """Cancel the locked ``deal`` whose cancelling the caller has checked: refund what is held,
    record why, free a reserved listing and tell both parties."""
    refunded = refund_held(deal, actor=actor)
    deal.cancel_reason = reason
    DEAL.transition(deal, "cancel", actor=actor, acting_for=acting_for(deal, actor) if actor else None,
                    note=reason, check=False, fields=("cancel_reason",))
    if reserves_listing(deal):
        listing_release_reservation(listing_id=deal.listing_id, actor=actor, note=deal_number(deal))
    notify_parties(deal, notices.CANCELLED, actor=actor, params={
        "reason": reason, "currency": deal.currency, "refunded": [str(money.amount) for money in refunded]})
