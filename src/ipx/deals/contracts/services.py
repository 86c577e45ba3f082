"""Writes for deals: from an accepted offer to completion, with escrow through the ledger.

awaiting_signatures → signed (both parties signed) → recordal_submitted (the seller entered
the recordal number) → completed (an operator checked it); back from recordal_submitted to
signed when the operator returns the number; cancelled from anywhere before completion.
An intended agreement (意向) goes only as far as signed: it reserves nothing, takes no
money, and is either concluded (becomes a contract both sides sign again) or cancelled.

Every service locks the deal row first (``select_for_update``), then — where money moves —
the deal's milestones in primary-key order, checks the transition map on the locked rows,
writes a DealEvent, and notifies both parties after commit.
"""

from __future__ import annotations

import calendar
import hashlib
import ipaddress
import re
import unicodedata
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import Membership, Organisation, User
from ipx.catalog.services import asset_licence_record, asset_transfer_ownership
from ipx.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ipx.core.money import Money, parse_amount
from ipx.core.validation import FieldErrors, clean_text
from ipx.deals.access import Role, access_deal, require_operator, require_party
from ipx.deals.contracts import escrow
from ipx.deals.contracts.pdf import (
    contract_languages,
    contract_render,
    deal_number,
    encode_languages,
    in_languages,
)
from ipx.deals.models import (
    Commitment,
    Deal,
    DealAsset,
    DealEvent,
    DealKind,
    DealMilestone,
    DealSignature,
    MilestoneCondition,
    Offer,
    Terms,
)
from ipx.deals.timeline import Kind, moment_param, money_params
from ipx.listings.models import Exclusivity, Listing
from ipx.listings.services import listing_mark_sold, listing_release_reservation, listing_reserve
from ipx.notifications.services import notify

S = Deal.Status
TRANSITIONS: dict[str, set[str]] = {
    S.AWAITING_SIGNATURES: {S.SIGNED, S.CANCELLED},
    # Back to awaiting signatures when a signed intended agreement is concluded.
    S.SIGNED: {S.RECORDAL_SUBMITTED, S.AWAITING_SIGNATURES, S.CANCELLED},
    S.RECORDAL_SUBMITTED: {S.COMPLETED, S.SIGNED, S.CANCELLED},
    S.COMPLETED: set(),
    S.CANCELLED: set(),
}
# Statuses in which both parties have signed (money may be held, milestones funded).
SIGNED_STATUSES = (S.SIGNED, S.RECORDAL_SUBMITTED, S.COMPLETED)
OPEN_STATUSES = (S.AWAITING_SIGNATURES, S.SIGNED, S.RECORDAL_SUBMITTED)

# Every field of the shared Terms, so a term added there is copied too.
TERMS_FIELDS = tuple(field.name for field in Terms._meta.fields)

# CNIPA recordal and registration numbers (e.g. 2023990000123, X2023440000123, 2023-GD-0012.1).
RECORDAL_NUMBER = re.compile(r"[0-9A-Za-z.\-]{6,40}")
MAX_NOTE = 2000


# --- Helpers ----------------------------------------------------------------------------------

def _event(deal: Deal, kind: str, *, actor: User | None, from_status: str = "", to_status: str = "",
           note: str = "", params: dict[str, Any] | None = None) -> DealEvent:
    """``note`` is only what a person typed; what the system records goes in ``params``, put
    into words in each reader's language when shown (``ipx.deals.timeline``)."""
    return DealEvent.objects.create(deal=deal, kind=kind, from_status=from_status, to_status=to_status,
                                    actor=actor, note=note, params=params or {})


def _transition(deal: Deal, to_status: str, *, kind: str, actor: User | None, note: str = "",
                params: dict[str, Any] | None = None, fields: tuple[str, ...] = ()) -> Deal:
    """Move the locked deal to ``to_status`` if the map allows it, with its event row."""
    if to_status not in TRANSITIONS[deal.status]:
        raise InvalidTransition(_("A deal that is %(from)s cannot become %(to)s.")
                                % {"from": deal.get_status_display(), "to": S(to_status).label})
    previous = deal.status
    deal.status = to_status
    deal.save(update_fields=["status", *fields])
    _event(deal, kind, actor=actor, from_status=previous, to_status=to_status, note=note, params=params)
    return deal


def _locked(actor: User, deal_id: int) -> tuple[Deal, Role]:
    """The deal row locked for this transaction, and how the actor stands in it (404 for outsiders)."""
    return access_deal(actor, deal_id, for_update=True)


def _locked_milestone(deal: Deal, position: int) -> DealMilestone:
    """The milestone at ``position``, read from its locked row (never from a stale object)."""
    milestone = escrow.locked_milestones(deal).filter(position=position).first()
    if milestone is None:
        raise NotFound(_("This deal has no milestone %(position)d.") % {"position": position})
    return milestone


def _notify(deal: Deal, verb: str, title: Callable[[], str], body: Callable[[], str], *,
            actor: User | None, operators: bool = False) -> None:
    users = list(User.objects.filter(is_staff=True, is_active=True).order_by("pk")) if operators else []
    notify(verb=verb, title=title, body=body, url=reverse("deals:detail", args=[deal.pk]),
           organisations=[deal.buyer, deal.seller], users=users, exclude=actor)


def _clean_note(value: object, *, field: str, required: bool, message: str = "") -> str:
    errors = FieldErrors()
    note = clean_text(value, field=field, errors=errors, required=False, max_length=MAX_NOTE)
    if required and not note and not errors:
        errors.add(field, message or _("This is required."))
    errors.raise_if_any()
    return note


def _client_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def _add_months(start: date, months: int) -> date:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _preferred_language(organisation: Organisation, candidates: list[User]) -> str:
    """The language of whoever acted for ``organisation`` in the offer, else of its administrator."""
    members = set(Membership.objects.filter(organisation=organisation, user__in=candidates)
                  .values_list("user_id", flat=True))
    for user in candidates:
        if user.pk in members:
            return user.preferred_language
    membership = (Membership.objects.filter(organisation=organisation, user__is_active=True)
                  .select_related("user").order_by("role", "pk").first())  # "admin" sorts before "member"
    return membership.user.preferred_language if membership is not None else "en"


def _store_contract(deal: Deal) -> None:
    """Render the contract, store it under a name of its own and remember its hash."""
    data = contract_render(deal)
    digest = hashlib.sha256(data).hexdigest()
    deal.contract_pdf.save(f"deal-{deal.pk}-{digest[:16]}.pdf", ContentFile(data), save=False)
    deal.contract_sha256 = digest
    deal.save(update_fields=["contract_pdf", "contract_sha256"])


def _reserves_listing(deal: Deal) -> bool:
    # Only a concluded transfer takes the listing off the market: licences can be granted
    # again (and exclusivity is checked at recordal), an intended agreement binds nobody.
    return deal.commitment == Commitment.CONCLUDED and deal.kind == DealKind.TRANSFER


def _default_milestone(deal: Deal, languages: tuple[str, ...]) -> tuple[str, str]:
    """Title (in the contract's languages: it is printed in it) and condition of the one
    milestone of a deal whose offer named none.

    Transfers and licences pay the full price into escrow and release it once the recordal
    is checked: that is when the buyer has what it paid for. Use first, pay later is a
    licence whose fee falls due after the free trial; the one milestone is that fee, and it
    too is released on the checked recordal (on_recordal), because the recorded licence is
    what the licensee pays for and the only event the exchange can verify — the end of the
    trial only says when the buyer funds it, not whether the seller has earned it.
    """
    if deal.kind == DealKind.USE_FIRST:
        if deal.trial_months:
            return in_languages("milestone.after_months", languages, n=deal.trial_months), \
                MilestoneCondition.ON_RECORDAL
        return in_languages("milestone.after_trial", languages), MilestoneCondition.ON_RECORDAL
    if deal.kind == DealKind.LICENCE:
        return in_languages("milestone.licence_fee", languages), MilestoneCondition.ON_RECORDAL
    return in_languages("milestone.full_price", languages), MilestoneCondition.ON_RECORDAL


# --- Creating a deal ----------------------------------------------------------------------------

@transaction.atomic
def deal_create_from_offer(*, offer: Offer, actor: User) -> Deal:
    """The accepted offer becomes a deal with a copy of its terms, assets and milestones.

    Called by ``offer_accept`` (which has checked that ``actor`` may accept) in the same
    transaction. Generates the contract PDF and, for a concluded transfer, reserves the listing.
    """
    offer = (Offer.objects.select_for_update(of=("self",))
             .select_related("thread__listing", "thread__buyer", "thread__seller", "created_by")
             .get(pk=offer.pk))
    if offer.status != Offer.Status.ACCEPTED:
        raise InvalidTransition(_("Only an accepted offer becomes a deal."))
    if Deal.objects.filter(offer=offer).exists():
        raise Conflict(_("This offer has already become a deal."))
    thread = offer.thread
    offering, accepting = offer.created_by, actor
    buyer_people = [offering, accepting] if offer.from_organisation_id == thread.buyer_id else [accepting, offering]
    languages = contract_languages(_preferred_language(thread.buyer, buyer_people),
                                   _preferred_language(thread.seller, buyer_people[::-1]))
    deal = Deal.objects.create(
        offer=offer, thread=thread, listing=thread.listing, buyer=thread.buyer, seller=thread.seller,
        fee_percent=escrow.platform_fee_percent(), contract_language=encode_languages(languages),
        **{name: getattr(offer, name) for name in TERMS_FIELDS},
    )
    DealAsset.objects.bulk_create(
        DealAsset(deal=deal, asset_id=asset_id)
        for asset_id in thread.listing.asset_links.order_by("position", "pk").values_list("asset_id", flat=True)
    )
    offered = list(offer.milestones.order_by("position"))
    if offered:
        DealMilestone.objects.bulk_create(
            DealMilestone(deal=deal, position=m.position, title=m.title, amount=m.amount, condition=m.condition)
            for m in offered
        )
    elif deal.price_amount > 0:
        title, condition = _default_milestone(deal, languages)
        DealMilestone.objects.create(deal=deal, position=1, title=title, amount=deal.price_amount,
                                     condition=condition)
    _event(deal, Kind.CREATED, actor=actor, to_status=deal.status, params={"offer": offer.pk})
    _store_contract(deal)
    if _reserves_listing(deal):
        listing_reserve(listing_id=deal.listing_id, actor=actor, note=deal_number(deal))
    number = deal_number(deal)
    _notify(deal, "deal.created",
            lambda: _("Deal %(number)s agreed") % {"number": number},
            lambda: _("The offer was accepted and deal %(number)s made. Read the contract and sign it.")
            % {"number": number},
            actor=actor)
    return deal


# --- Signing ---------------------------------------------------------------------------------------

@transaction.atomic
def deal_sign(*, deal_id: int, actor: User, ip_address: str | None = None, user_agent: str = "") -> Deal:
    """A member of the buyer or the seller signs the contract for their organisation, once."""
    deal, role = _locked(actor, deal_id)
    organisation = require_party(role)
    if DealSignature.objects.filter(deal=deal, organisation=organisation).exists():
        raise Conflict(_("%(name)s has already signed this contract.") % {"name": organisation.name},
                       code="already_signed")
    if deal.status != S.AWAITING_SIGNATURES:
        raise InvalidTransition(_("A deal that is %(status)s cannot be signed.")
                                % {"status": deal.get_status_display()})
    if not deal.contract_sha256:
        raise Conflict(_("The contract is not ready yet."))
    DealSignature.objects.create(deal=deal, organisation=organisation, user=actor,
                                 contract_sha256=deal.contract_sha256, ip_address=_client_ip(ip_address),
                                 user_agent=(user_agent or "")[:300])
    _event(deal, Kind.SIGNED, actor=actor,
           params={"organisation": organisation.name, "sha256": deal.contract_sha256})
    number, name = deal_number(deal), organisation.name
    signed = set(deal.signatures.values_list("organisation_id", flat=True))
    if {deal.buyer_id, deal.seller_id} <= signed:
        _transition(deal, S.SIGNED, kind=Kind.FULLY_SIGNED, actor=actor)
        _notify(deal, "deal.signed",
                lambda: _("Deal %(number)s is signed by both sides") % {"number": number},
                lambda: (_("Both sides signed the intended agreement %(number)s.")
                         if deal.commitment == Commitment.INTENDED else
                         _("Both sides signed the contract %(number)s; the buyer can now fund the milestones."))
                % {"number": number},
                actor=actor)
    else:
        _notify(deal, "deal.signed_by_one",
                lambda: _("%(name)s signed deal %(number)s") % {"name": name, "number": number},
                lambda: _("%(name)s signed the contract of deal %(number)s; it waits for the other side's "
                          "signature.") % {"name": name, "number": number},
                actor=actor)
    return deal


@transaction.atomic
def deal_conclude(*, deal_id: int, actor: User) -> Deal:
    """An intended agreement becomes a concluded contract; both sides sign the new contract."""
    deal, role = _locked(actor, deal_id)
    require_party(role)
    if deal.commitment != Commitment.INTENDED:
        raise Conflict(_("This deal is already a concluded contract."))
    if deal.status not in (S.AWAITING_SIGNATURES, S.SIGNED):
        raise InvalidTransition(_("A deal that is %(status)s cannot be concluded.")
                                % {"status": deal.get_status_display()})
    # The signatures were for the intended agreement's text; the events keep them on record.
    previous = [{"organisation": s.organisation.name, "email": s.user.email, "signed_at": moment_param(s.signed_at),
                 "sha256": s.contract_sha256}
                for s in deal.signatures.select_related("organisation", "user").order_by("pk")]
    deal.signatures.all().delete()
    deal.commitment = Commitment.CONCLUDED
    deal.save(update_fields=["commitment"])
    params: dict[str, Any] = {"earlier": previous} if previous else {}
    if deal.status == S.SIGNED:
        _transition(deal, S.AWAITING_SIGNATURES, kind=Kind.CONCLUDED, actor=actor, params=params)
    else:
        _event(deal, Kind.CONCLUDED, actor=actor, from_status=deal.status, to_status=deal.status, params=params)
    _store_contract(deal)
    if _reserves_listing(deal):
        listing_reserve(listing_id=deal.listing_id, actor=actor, note=deal_number(deal))
    number = deal_number(deal)
    _notify(deal, "deal.concluded",
            lambda: _("Deal %(number)s becomes a contract") % {"number": number},
            lambda: _("The intended agreement %(number)s is now a concluded contract. Read it and sign it again.")
            % {"number": number},
            actor=actor)
    return deal


# --- Escrow -----------------------------------------------------------------------------------------

@transaction.atomic
def milestone_fund(*, deal_id: int, position: int, actor: User) -> DealMilestone:
    """The buyer moves the milestone's amount from its available balance into escrow."""
    deal, role = _locked(actor, deal_id)
    require_party(role, side="buyer")
    milestone = _locked_milestone(deal, position)
    if deal.commitment != Commitment.CONCLUDED:
        raise Conflict(_("An intended agreement cannot be funded; conclude it as a contract first."),
                       code="intended_agreement")
    if deal.status not in SIGNED_STATUSES:
        raise Conflict(_("Milestones can be funded once both sides have signed; this deal is %(status)s.")
                       % {"status": deal.get_status_display()})
    if milestone.status != DealMilestone.Status.PENDING:
        raise Conflict(_("Milestone %(position)d is already %(status)s.")
                       % {"position": milestone.position, "status": milestone.get_status_display()})
    escrow.hold(deal, milestone, actor=actor)
    milestone.status = DealMilestone.Status.FUNDED
    milestone.save(update_fields=["status"])
    amount = Money(milestone.amount, deal.currency)
    _event(deal, Kind.FUNDED, actor=actor, params={"position": milestone.position, **money_params(amount)})
    number, position_ = deal_number(deal), milestone.position
    _notify(deal, "deal.funded",
            lambda: _("Deal %(number)s: milestone %(position)d funded") % {"number": number, "position": position_},
            lambda: _("%(amount)s for milestone %(position)d of deal %(number)s is held in escrow.")
            % {"amount": amount, "position": position_, "number": number},
            actor=actor)
    return milestone


def _condition_met(deal: Deal, milestone: DealMilestone) -> bool:
    if deal.status == S.CANCELLED:
        return False
    if milestone.condition == MilestoneCondition.ON_SIGNING:
        return deal.status in SIGNED_STATUSES
    return deal.status == S.COMPLETED and deal.recordal_checked_at is not None


def _release(deal: Deal, milestone: DealMilestone, amount: Decimal, *, actor: User | None,
             automatic: bool = False) -> Decimal:
    """Pay out of the locked milestone's escrow and record it; returns the fee."""
    _entry, fee = escrow.release(deal, milestone, amount, actor=actor)
    milestone.released_amount += amount
    if milestone.released_amount + milestone.refunded_amount >= milestone.amount:
        milestone.status = DealMilestone.Status.RELEASED
    milestone.save(update_fields=["released_amount", "status"])
    released, fee_money = Money(amount, deal.currency), Money(fee, deal.currency)
    values = {"position": milestone.position, "amount": released, "fee": fee_money}
    _event(deal, Kind.RELEASED, actor=actor,
           params={"position": milestone.position, **money_params(released), **money_params(fee_money, "fee"),
                   "automatic": automatic})
    number = deal_number(deal)
    _notify(deal, "deal.released",
            lambda: _("Deal %(number)s: money released") % {"number": number},
            lambda: _("%(amount)s for milestone %(position)d of deal %(number)s was released to the seller "
                      "(platform fee %(fee)s).") % {**values, "number": number},
            actor=actor)
    return fee


@transaction.atomic
def milestone_release(*, deal_id: int, position: int, actor: User,
                      amount: Decimal | str | None = None) -> DealMilestone:
    """Release all (or ``amount``) of what is held for the milestone to the seller, less the fee.

    By a member of the buyer or an operator, once the milestone's condition holds.
    """
    deal, role = _locked(actor, deal_id)
    if not (role.is_party and role.side == "buyer") and not actor.is_operator:
        raise PermissionDenied(_("Only the buyer or an operator may release money held in escrow."))
    milestone = _locked_milestone(deal, position)
    if milestone.status != DealMilestone.Status.FUNDED:
        raise Conflict(_("Nothing is held for milestone %(position)d: it is %(status)s.")
                       % {"position": milestone.position, "status": milestone.get_status_display()},
                       code="not_held")
    if not _condition_met(deal, milestone):
        if deal.status == S.CANCELLED:
            raise Conflict(_("The deal is cancelled; nothing can be released."))
        if milestone.condition == MilestoneCondition.ON_RECORDAL:
            raise Conflict(_("Milestone %(position)d is released only after the recordal is checked.")
                           % {"position": milestone.position}, code="condition_not_met")
        raise Conflict(_("Milestone %(position)d is released only after both sides have signed.")
                       % {"position": milestone.position}, code="condition_not_met")
    held = escrow.held_amount(milestone)
    if amount is None or amount == "":
        value = held
    else:
        value = parse_amount(amount, deal.currency, field="amount")
        if value > held:
            raise ValidationFailed.for_field(
                "amount", _("Only %(held)s is held for this milestone; you cannot release more.")
                % {"held": Money(held, deal.currency)})
    _release(deal, milestone, value, actor=actor)
    return milestone


@transaction.atomic
def deal_cancel(*, deal_id: int, actor: User, reason: str) -> Deal:
    """Either party (before completion) or an operator cancels: all held money goes back to the buyer."""
    deal, role = _locked(actor, deal_id)
    if not role.is_party and not actor.is_operator:
        raise PermissionDenied(_("Only the buyer, the seller or an operator may cancel a deal."))
    reason = _clean_note(reason, field="reason", required=True,
                         message=_("Say why the deal is cancelled; the other side sees it."))
    if S.CANCELLED not in TRANSITIONS[deal.status]:
        raise InvalidTransition(_("A deal that is %(status)s cannot be cancelled.")
                                % {"status": deal.get_status_display()})
    refunded = []
    for milestone in escrow.locked_milestones(deal):
        held = escrow.held_amount(milestone)
        if held <= 0:
            continue
        escrow.refund(deal, milestone, held, actor=actor)
        milestone.refunded_amount += held
        milestone.status = DealMilestone.Status.REFUNDED
        milestone.save(update_fields=["refunded_amount", "status"])
        money = Money(held, deal.currency)
        refunded.append(money)
        _event(deal, Kind.REFUNDED, actor=actor, params={"position": milestone.position, **money_params(money)})
    deal.cancel_reason = reason
    _transition(deal, S.CANCELLED, kind=Kind.CANCELLED, actor=actor, note=reason, fields=("cancel_reason",))
    if _reserves_listing(deal):
        listing_release_reservation(listing_id=deal.listing_id, actor=actor, note=deal_number(deal))
    number = deal_number(deal)
    _notify(deal, "deal.cancelled",
            lambda: _("Deal %(number)s cancelled") % {"number": number},
            lambda: (_("Deal %(number)s was cancelled: %(reason)s") % {"number": number, "reason": reason})
            + ("\n" + _("Returned to the buyer: %(amounts)s") % {"amounts": ", ".join(map(str, refunded))}
               if refunded else ""),
            actor=actor)
    return deal


# --- Recordal ---------------------------------------------------------------------------------------

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
    deal, role = _locked(actor, deal_id)
    require_party(role, side="seller")
    number_text = clean_recordal_number(recordal_number)
    if deal.commitment != Commitment.CONCLUDED:
        raise Conflict(_("An intended agreement is not recorded; conclude it as a contract first."),
                       code="intended_agreement")
    if deal.status != S.SIGNED:
        raise InvalidTransition(_("The recordal is entered once both sides have signed; this deal is %(status)s.")
                                % {"status": deal.get_status_display()})
    deal.recordal_number = number_text
    deal.recordal_submitted_at = timezone.now()
    _transition(deal, S.RECORDAL_SUBMITTED, kind=Kind.RECORDAL_SUBMITTED, actor=actor,
                params={"recordal_number": number_text}, fields=("recordal_number", "recordal_submitted_at"))
    number = deal_number(deal)
    _notify(deal, "deal.recordal_submitted",
            lambda: _("Deal %(number)s: recordal submitted") % {"number": number},
            lambda: _("The seller entered recordal number %(recordal)s for deal %(number)s; an operator will "
                      "check it.") % {"recordal": number_text, "number": number},
            actor=actor, operators=True)
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
    ends = _add_months(starts, deal.licence_term_months) if deal.licence_term_months else None
    for asset_id in asset_ids:
        asset_licence_record(asset_id=asset_id, licensor=deal.seller, licensee=deal.buyer,
                             exclusivity=deal.licence_exclusivity or Exclusivity.NON_EXCLUSIVE,
                             territory=deal.licence_territory, field_of_use=deal.licence_field, starts_on=starts,
                             ends_on=ends, recordal_number=deal.recordal_number, source=deal.ledger_reference)


@transaction.atomic
def deal_check_recordal(*, deal_id: int, operator: User, approve: bool, note: str = "") -> Deal:
    """An operator checks the recordal number: approved completes the deal (ownership or
    licence recorded, money held on the recordal released); returned sends it back to signed."""
    deal, _role = _locked(operator, deal_id)
    require_operator(operator)
    note = _clean_note(note, field="note", required=not approve,
                       message=_("Say what the seller must correct; they see this note."))
    if deal.status != S.RECORDAL_SUBMITTED:
        raise InvalidTransition(_("There is no recordal to check: this deal is %(status)s.")
                                % {"status": deal.get_status_display()})
    number = deal_number(deal)
    if not approve:
        _transition(deal, S.SIGNED, kind=Kind.RECORDAL_RETURNED, actor=operator, note=note)
        _notify(deal, "deal.recordal_returned",
                lambda: _("Deal %(number)s: recordal returned") % {"number": number},
                lambda: _("The operator returned the recordal number of deal %(number)s: %(note)s")
                % {"number": number, "note": note},
                actor=operator)
        return deal
    now = timezone.now()
    deal.recordal_checked_by, deal.recordal_checked_at, deal.completed_at = operator, now, now
    milestones = list(escrow.locked_milestones(deal))  # deal, then milestones: the order of every money path
    _transition(deal, S.COMPLETED, kind=Kind.RECORDAL_APPROVED, actor=operator, note=note,
                fields=("recordal_checked_by", "recordal_checked_at", "completed_at"))
    _complete(deal, operator)
    for milestone in milestones:
        fully_funded = (milestone.status == DealMilestone.Status.FUNDED and milestone.released_amount == 0
                        and milestone.refunded_amount == 0)
        if milestone.condition == MilestoneCondition.ON_RECORDAL and fully_funded:
            _release(deal, milestone, milestone.amount, actor=operator, automatic=True)
    _notify(deal, "deal.completed",
            lambda: _("Deal %(number)s completed") % {"number": number},
            lambda: _("The operator checked the recordal of deal %(number)s; the deal is complete.")
            % {"number": number},
            actor=operator)
    return deal
