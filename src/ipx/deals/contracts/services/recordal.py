"""The recordal with the official register: the seller enters the number, an operator checks
it. Approved, the deal completes: ownership moves (or the licence is recorded) and money held
on the recordal is released; returned, the deal goes back to signed."""

from __future__ import annotations

import re
import unicodedata

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.catalog.services import asset_licence_record, asset_transfer_ownership
from ipx.core.dates import add_months
from ipx.core.errors import ValidationFailed
from ipx.deals.contracts import escrow, notices
from ipx.deals.contracts.pdf import deal_number
from ipx.deals.contracts.services.common import clean_note, locked_deal, notify_parties
from ipx.deals.contracts.services.milestones import pay_out
from ipx.deals.contracts.workflow import DEAL, acting_for
from ipx.deals.models import Deal, DealKind, DealMilestone, MilestoneCondition
from ipx.listings.models import Exclusivity, Listing
from ipx.listings.services import listing_mark_sold

# CNIPA recordal and registration numbers (e.g. 2023990000123, X2023440000123, 2023-GD-0012.1).
RECORDAL_NUMBER = re.compile(r"[0-9A-Za-z.\-]{6,40}")


def clean_recordal_number(value: object) -> str:
    """A CNIPA recordal or registration number: digits, letters, dots and hyphens, 6–40 characters.

    Full-width characters (as typed with a Chinese input method) count as their ASCII forms.
    """
    number = unicodedata.normalize("NFKC", "" if value is None else str(value)).strip().upper()
    if not number:
        raise ValidationFailed.for_field("recordal_number", _("Enter the recordal number the register issued."))
    if not RECORDAL_NUMBER.fullmatch(number):
        raise ValidationFailed.for_field(
            "recordal_number", _("A recordal number has 6 to 40 characters: digits, letters, dots and hyphens, "
                                 "e.g. 2023990000123."))
    return number


@transaction.atomic
def deal_submit_recordal(*, deal_id: int, actor: User, recordal_number: str) -> Deal:
    """The seller enters the number the register gave the recorded transfer or licence."""
    deal = locked_deal(actor, deal_id)
    DEAL.check(deal, "submit_recordal", actor)
    number = clean_recordal_number(recordal_number)
    deal.recordal_number = number
    deal.recordal_submitted_at = timezone.now()
    DEAL.transition(deal, "submit_recordal", actor=actor, acting_for=acting_for(deal, actor), check=False,
                    params={"recordal_number": number}, fields=("recordal_number", "recordal_submitted_at"))
    notify_parties(deal, notices.RECORDAL_SUBMITTED, actor=actor, params={"recordal": number},
                   operators=True)
    return deal


def _complete(deal: Deal, operator: User) -> None:
    """What a checked recordal changes in the catalog and on the market."""
    asset_ids = list(deal.asset_links.order_by("asset_id").values_list("asset_id", flat=True))
    if deal.kind == DealKind.TRANSFER:
        for asset_id in asset_ids:
            asset_transfer_ownership(asset_id=asset_id, to_organisation=deal.buyer, from_organisation=deal.seller,
                                     recordal_number=deal.recordal_number)
        listing_status = Listing.objects.filter(pk=deal.listing_id).values_list("status", flat=True).first()
        if listing_status in (Listing.Status.PUBLISHED, Listing.Status.RESERVED):
            listing_mark_sold(listing_id=deal.listing_id, actor=operator, note=deal_number(deal))
        return
    starts = timezone.localdate()
    ends = add_months(starts, deal.licence_term_months) if deal.licence_term_months else None
    for asset_id in asset_ids:
        asset_licence_record(asset_id=asset_id, licensor=deal.seller, licensee=deal.buyer,
                             exclusivity=deal.licence_exclusivity or Exclusivity.NON_EXCLUSIVE,
                             territory=deal.licence_territory, field_of_use=deal.licence_field, starts_on=starts,
                             ends_on=ends, recordal_number=deal.recordal_number, source=deal.ledger_reference)


@transaction.atomic
def deal_check_recordal(*, deal_id: int, operator: User, approve: bool, note: str = "") -> Deal:
    """An operator checks the recordal number: approved completes the deal (ownership or
    licence recorded, money held on the recordal released); returned sends it back to signed."""
    deal = locked_deal(operator, deal_id)
    DEAL.check(deal, "approve_recordal" if approve else "return_recordal", operator)
    note = clean_note(note, field="note", required=not approve,
                      message=_("Say what the seller must correct; they see this note."))
    if not approve:
        DEAL.transition(deal, "return_recordal", actor=operator, note=note, check=False)
        notify_parties(deal, notices.RECORDAL_RETURNED, actor=operator, params={"note": note})
        return deal
    now = timezone.now()
    deal.recordal_checked_by, deal.recordal_checked_at, deal.completed_at = operator, now, now
    milestones = list(escrow.locked_milestones(deal))  # deal, then milestones: the order of every money path
    DEAL.transition(deal, "approve_recordal", actor=operator, note=note, check=False,
                    fields=("recordal_checked_by", "recordal_checked_at", "completed_at"))
    _complete(deal, operator)
    for milestone in milestones:
        milestone.deal = deal
        fully_funded = (milestone.status == DealMilestone.Status.FUNDED and milestone.released_amount == 0
                        and milestone.refunded_amount == 0)
        if milestone.condition == MilestoneCondition.ON_RECORDAL and fully_funded:
            pay_out(deal, milestone, milestone.amount, actor=operator, automatic=True)
    notify_parties(deal, notices.COMPLETED, actor=operator)
    return deal
