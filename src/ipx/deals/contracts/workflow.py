"""The deal's and its milestones' transition tables: who may take which step, and when.

DEAL: awaiting_signatures → signed (both parties signed) → recordal_submitted (the seller
entered the recordal number) → completed (an operator checked it); back from
recordal_submitted to signed when the operator returns the number; a signed intended
agreement goes back to awaiting_signatures when it is concluded as a contract (both sides
sign the new text); cancelled before completion: by a party only until both have signed (never
a sale concluded at auction, ``Deal.bound_by_sale``), by an operator at any time. A signature
that does not complete the set changes no status: it is recorded.

Once both sides have signed, a party asks for the cancellation instead (``request_cancellation``),
which opens a dispute (DISPUTE: open → cancelled, with the deal cancelled and held money
refunded, or → rejected, and the deal goes on) that an operator decides. While it is open no
money is released, the recordal is not approved and the deal is neither concluded nor
cancelled otherwise. A deal is funded and completed only while its listing is on the market (or
reserved by this very deal), and an intended agreement is concluded only while nothing else
takes its rights. Committing a party (accepting, signing, concluding, cancelling or asking to,
funding, releasing) takes one of its administrators or named signatories (``Role.binds``);
other members negotiate and read.

MILESTONE: pending → funded (the buyer pays into escrow) → released (all of it paid to the
seller; a part is recorded without a change) or refunded (the deal was cancelled). Its
events go to the deal's history. Pages and the API show an action exactly when
``allowed_actions`` lists it; the services take the same table, so a button and its service
never disagree. In particular ``release_condition`` is the one place that says when held money
may be released.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.core.errors import Conflict, PermissionDenied
from ipx.core.workflow import Action, Attempt, Guard, Refusal, Workflow, the_exchange_only
from ipx.deals.access import Role, role_in_deal, side_label
from ipx.deals.models import Commitment, Deal, DealEvent, DealKind, DealMilestone, Dispute, MilestoneCondition
from ipx.deals.negotiation.listing_hooks import HOLD_OWNER
from ipx.deals.rights import rights_refusal
from ipx.deals.timeline import Verb
from ipx.listings.guards import hold_refusal
from ipx.listings.models import Listing

S = Deal.Status
M = DealMilestone.Status

# Statuses in which both parties have signed (money may be held, milestones funded).
SIGNED_STATUSES = (S.SIGNED, S.RECORDAL_SUBMITTED, S.COMPLETED)
OPEN_STATUSES = (S.AWAITING_SIGNATURES, S.SIGNED, S.RECORDAL_SUBMITTED)


# --- Who is acting ------------------------------------------------------------------------------

def _deal(attempt: Attempt) -> Deal:
    deal: Deal = attempt.subject.deal if isinstance(attempt.subject, DealMilestone) else attempt.subject
    return deal


def role(attempt: Attempt) -> Role | None:
    """The actor's role in the attempt's deal, looked up once per deal object."""
    found: Role | None = attempt.remember("role", lambda: role_in_deal(attempt.actor, _deal(attempt)))
    return found


def _party_of(found: Role | None) -> Organisation | None:
    return found.organisation if found is not None and found.is_party else None


def acting_for(deal: Deal, actor: User) -> Organisation | None:
    """The party ``actor`` acts for in ``deal`` (None for operators and agents)."""
    return _party_of(role_in_deal(actor, deal))


def _party(side: str | None = None) -> Guard:
    def guard(attempt: Attempt) -> Refusal | None:
        found = role(attempt)
        if found is None or not found.is_party or found.organisation is None:
            return Refusal(_("Only the buyer or the seller may do this."), error=PermissionDenied)
        if side is not None and found.side != side:
            return Refusal(_("Only the %(side)s may do this.") % {"side": side_label(side)}, error=PermissionDenied)
        return None

    return guard


def _binding(message: Callable[[], str]) -> Guard:
    """A party's step that commits it: only its administrators and named signatories take it.
    ``message`` names the organisation (``%(name)s``); operators and agents are left to the
    action's other guards."""
    def guard(attempt: Attempt) -> Refusal | None:
        found = role(attempt)
        if found is None or not found.is_party or found.binds or attempt.actor.is_operator:
            return None
        name = found.organisation.name if found.organisation is not None else ""
        return Refusal(message() % {"name": name}, code="not_signatory", error=PermissionDenied)

    return guard


def _operator(attempt: Attempt) -> Refusal | None:
    if not attempt.actor.is_operator:
        return Refusal(_("Only an operator may do this."), error=PermissionDenied)
    return None


def _party_or_operator(attempt: Attempt) -> Refusal | None:
    found = role(attempt)
    if not (found is not None and found.is_party) and not attempt.actor.is_operator:
        return Refusal(_("Only the buyer, the seller or an operator may cancel a deal."), error=PermissionDenied)
    return None


def _buyer_or_operator(attempt: Attempt) -> Refusal | None:
    found = role(attempt)
    if not (found is not None and found.is_party and found.side == "buyer") and not attempt.actor.is_operator:
        return Refusal(_("Only the buyer or an operator may release money held in escrow."), error=PermissionDenied)
    return None


# --- The deal's state ---------------------------------------------------------------------------

def _not_signed_yet(attempt: Attempt) -> Refusal | None:
    organisation = _party_of(role(attempt))
    deal = _deal(attempt)
    # ``all()``: pages prefetch the signatures; services read them from the locked deal.
    if organisation is not None and any(s.organisation_id == organisation.pk for s in deal.signatures.all()):
        return Refusal(_("%(name)s has already signed this contract.") % {"name": organisation.name},
                       code="already_signed", error=Conflict)
    return None


def _contract_ready(attempt: Attempt) -> Refusal | None:
    if not _deal(attempt).contract_sha256:
        return Refusal(_("The contract is not ready yet."), error=Conflict)
    return None


def open_dispute(deal: Deal) -> Dispute | None:
    """The deal's open cancellation request, if any. ``all()``: pages prefetch the disputes;
    services read them while they hold the deal's lock."""
    return next((dispute for dispute in deal.disputes.all() if dispute.status == Dispute.Status.OPEN), None)


def _open_dispute(attempt: Attempt) -> Dispute | None:
    found: Dispute | None = attempt.remember("dispute", lambda: open_dispute(_deal(attempt)))
    return found


def _no_open_dispute(attempt: Attempt) -> Refusal | None:
    if _open_dispute(attempt) is not None:
        return Refusal(_("A request to cancel this deal is waiting for an operator's decision; nothing else "
                         "changes until it is decided."), code="dispute_open", error=Conflict)
    return None


def _releases_held(attempt: Attempt) -> Refusal | None:
    if _open_dispute(attempt) is not None:
        return Refusal(_("A request to cancel this deal is waiting for an operator's decision; money held in "
                         "escrow is not released until it is decided."), code="dispute_open", error=Conflict)
    return None


def _a_dispute_to_decide(attempt: Attempt) -> Refusal | None:
    if _open_dispute(attempt) is None:
        return Refusal(_("Nobody has asked to cancel this deal; there is nothing to decide."),
                       code="no_open_dispute", error=Conflict)
    return None


def _party_cancels_before_signing(attempt: Attempt) -> Refusal | None:
    # Once both have signed the seller may have recorded the transfer: an operator decides
    # (``request_cancellation``). A sale knocked down at auction binds both sides from the hammer
    # (a winner cancelling would take back the deposit the auction holds against its not paying).
    deal = _deal(attempt)
    if attempt.actor.is_operator or (deal.status == S.AWAITING_SIGNATURES and not deal.bound_by_sale):
        return None
    if deal.bound_by_sale:
        return Refusal(_("This deal is a sale concluded at auction: the winning bid binds both sides, so neither can "
                         "cancel it; an operator can."), code="sale_binds", error=Conflict)
    return Refusal(_("Both sides have signed this deal: a party can no longer cancel it, but may ask an operator "
                     "to cancel it."), code="cancellation_needs_operator", error=Conflict)


def _intended(attempt: Attempt) -> Refusal | None:
    if _deal(attempt).commitment != Commitment.INTENDED:
        return Refusal(_("This deal is already a concluded contract."), error=Conflict)
    return None


def _concluded(message: Callable[[], str]) -> Guard:
    def guard(attempt: Attempt) -> Refusal | None:
        if _deal(attempt).commitment != Commitment.CONCLUDED:
            return Refusal(message(), code="intended_agreement", error=Conflict)
        return None

    return guard


def _listing_status(attempt: Attempt) -> str:
    deal = _deal(attempt)
    status: str = attempt.remember("listing_status", lambda: Listing.objects.filter(pk=deal.listing_id)
                                   .values_list("status", flat=True).first() or "")
    return status


def _reserved_by_this_deal(deal: Deal) -> bool:
    # The one unfinished concluded transfer of a listing is the deal that reserved it.
    if deal.commitment != Commitment.CONCLUDED or deal.kind != DealKind.TRANSFER:
        return False
    return not Deal.objects.filter(listing_id=deal.listing_id, commitment=Commitment.CONCLUDED,
                                   kind=DealKind.TRANSFER, status__in=OPEN_STATUSES).exclude(pk=deal.pk).exists()


def _still_on_the_market(attempt: Attempt) -> Refusal | None:
    """Money goes into escrow and a deal completes only while its listing is on the market or
    reserved by this very deal: a listing taken off it (withdrawn by the seller or the exchange,
    e.g. for a right the registry revoked, or expired) no longer promises what the deal buys."""
    deal = _deal(attempt)
    if deal.status == S.COMPLETED:
        return None  # the buyer has what it paid for (its listing sold by it); what is still owed is paid
    status = _listing_status(attempt)
    if status == Listing.Status.PUBLISHED or (status == Listing.Status.RESERVED and _reserved_by_this_deal(deal)):
        return None
    return Refusal(_("The listing of this deal is off the market (it is %(status)s); the deal cannot go on. An "
                     "operator can cancel it and return any money held.")
                   % {"status": Listing.Status(status).label if status else "—"}, code="listing_off_market",
                   error=Conflict)


def _nothing_else_takes_the_rights(attempt: Attempt) -> Refusal | None:
    """An intended agreement is concluded only if its listing is still on offer, no auction lot
    offers it and no other concluded deal has taken the rights meanwhile (``ipx.deals.rights``)."""
    deal = _deal(attempt)
    status = _listing_status(attempt)
    if status != Listing.Status.PUBLISHED:
        return Refusal(_("The listing is no longer on offer (it is %(status)s).")
                       % {"status": Listing.Status(status).label if status else "—"}, error=Conflict)
    listing = Listing.objects.get(pk=deal.listing_id)
    held = hold_refusal(listing, besides=HOLD_OWNER)
    if held is not None:
        return held
    message = rights_refusal(kind=deal.kind, exclusivity=deal.licence_exclusivity, territory=deal.licence_territory,
                             field=deal.licence_field, buyer_id=deal.buyer_id, exclude_deal_id=deal.pk,
                             asset_ids=list(deal.asset_links.values_list("asset_id", flat=True)))
    return Refusal(message, code="rights_taken", error=Conflict) if message else None


def _deal_signed(attempt: Attempt) -> Refusal | None:
    deal = _deal(attempt)
    if deal.status not in SIGNED_STATUSES:
        return Refusal(_("Milestones can be funded once both sides have signed; this deal is %(status)s.")
                       % {"status": deal.get_status_display()}, error=Conflict)
    return None


def release_condition(milestone: DealMilestone) -> Refusal | None:
    """Why money held for ``milestone`` may not be released now (its deal read from
    ``milestone.deal``), or None: on signing once both sides have signed, on the recordal
    once an operator has checked it; never on a cancelled deal."""
    deal = milestone.deal
    if deal.status == S.CANCELLED:
        return Refusal(_("The deal is cancelled; nothing can be released."), error=Conflict)
    if milestone.condition == MilestoneCondition.ON_SIGNING:
        if deal.status in SIGNED_STATUSES:
            return None
        return Refusal(_("Milestone %(position)d is released only after both sides have signed.")
                       % {"position": milestone.position}, code="condition_not_met", error=Conflict)
    if deal.status == S.COMPLETED and deal.recordal_checked_at is not None:
        return None
    return Refusal(_("Milestone %(position)d is released only after the recordal is checked.")
                   % {"position": milestone.position}, code="condition_not_met", error=Conflict)


def _releasable(attempt: Attempt) -> Refusal | None:
    return release_condition(attempt.subject)


# --- Status refusals, worded as each step always was -------------------------------------------

_DEAL_STATUS_REFUSALS: Mapping[str, Callable[[], str]] = {
    "sign": lambda: _("A deal that is %(status)s cannot be signed."),
    "conclude": lambda: _("A deal that is %(status)s cannot be concluded."),
    "submit_recordal": lambda: _("The recordal is entered once both sides have signed; this deal is %(status)s."),
    "approve_recordal": lambda: _("There is no recordal to check: this deal is %(status)s."),
    "return_recordal": lambda: _("There is no recordal to check: this deal is %(status)s."),
    "cancel": lambda: _("A deal that is %(status)s cannot be cancelled."),
    "request_cancellation": lambda: _("A cancellation is asked for once both sides have signed and until the "
                                      "deal is complete; this deal is %(status)s."),
    "decide_cancellation": lambda: _("There is no request to cancel this deal to decide: it is %(status)s."),
}


def _deal_status_refusal(deal: Deal, name: str, action: Action) -> Refusal:
    worded = _DEAL_STATUS_REFUSALS.get(name)
    if worded is not None:
        return Refusal(worded() % {"status": deal.get_status_display()})
    return Refusal(_("A deal that is %(from)s cannot become %(to)s.")
                   % {"from": deal.get_status_display(), "to": S(action.target).label if action.target else ""})


def _milestone_status_refusal(milestone: DealMilestone, name: str, action: Action) -> Refusal:
    values = {"position": milestone.position, "status": milestone.get_status_display()}
    if name == "fund":
        return Refusal(_("Milestone %(position)d is already %(status)s.") % values, error=Conflict)
    return Refusal(_("Nothing is held for milestone %(position)d: it is %(status)s.") % values,
                   code="not_held", error=Conflict)


# --- The tables -----------------------------------------------------------------------------------

DEAL: Workflow[Deal] = Workflow(
    name="deal",
    model=Deal,
    event_model=DealEvent,
    actions={
        # A party that has signed hears so whatever the status; signing changes no status
        # until the second signature (``fully_signed``).
        "sign": Action(sources=(S.AWAITING_SIGNATURES,), verb=Verb.SIGNED,
                       who=(_party(), _binding(lambda: _("Only an administrator or a signatory of %(name)s may sign "
                                                         "this contract.")), _not_signed_yet),
                       guards=(_contract_ready,)),
        "fully_signed": Action(sources=(S.AWAITING_SIGNATURES,), target=S.SIGNED, verb=Verb.FULLY_SIGNED,
                                   guards=(the_exchange_only,)),
        "conclude": Action(sources=(S.AWAITING_SIGNATURES, S.SIGNED), target=S.AWAITING_SIGNATURES,
                           verb=Verb.CONCLUDED,
                           who=(_party(), _binding(lambda: _("Only an administrator or a signatory of %(name)s may "
                                                             "conclude this agreement as a contract."))),
                           guards=(_intended, _no_open_dispute, _nothing_else_takes_the_rights)),
        "submit_recordal": Action(
            sources=(S.SIGNED,), target=S.RECORDAL_SUBMITTED, verb=Verb.RECORDAL_SUBMITTED, who=(_party("seller"),),
            guards=(_concluded(lambda: _("An intended agreement is not recorded; conclude it as a contract first.")),)),
        # Approving releases the money held on the recordal: not while a cancellation waits.
        "approve_recordal": Action(sources=(S.RECORDAL_SUBMITTED,), target=S.COMPLETED, verb=Verb.RECORDAL_APPROVED,
                                   who=(_operator,), guards=(_no_open_dispute, _still_on_the_market),
                                   publishes=("deal.completed",)),
        "return_recordal": Action(sources=(S.RECORDAL_SUBMITTED,), target=S.SIGNED, verb=Verb.RECORDAL_RETURNED,
                                      who=(_operator,)),
        "cancel": Action(sources=OPEN_STATUSES, target=S.CANCELLED, verb=Verb.CANCELLED,
                         who=(_party_or_operator, _binding(lambda: _("Only an administrator or a signatory of "
                                                                     "%(name)s may cancel this deal."))),
                         guards=(_party_cancels_before_signing, _no_open_dispute), publishes=("deal.cancelled",)),
        "request_cancellation": Action(
            sources=(S.SIGNED, S.RECORDAL_SUBMITTED), verb=Verb.CANCELLATION_REQUESTED,
            who=(_party(), _binding(lambda: _("Only an administrator or a signatory of %(name)s may ask to cancel "
                                              "this deal."))),
            guards=(_no_open_dispute,)),
        # The decision itself is the DISPUTE table's; this row offers it on the deal.
        "decide_cancellation": Action(sources=(S.SIGNED, S.RECORDAL_SUBMITTED), who=(_operator,),
                                      guards=(_a_dispute_to_decide,)),
    },
    refuse_status=_deal_status_refusal,
)

MILESTONE: Workflow[DealMilestone] = Workflow(
    name="milestone",
    model=DealMilestone,
    event_model=DealEvent,
    subject_field="deal",
    record_on=lambda milestone: milestone.deal,
    actions={
        "fund": Action(sources=(M.PENDING,), target=M.FUNDED, verb=Verb.FUNDED,
                       who=(_party("buyer"), _binding(lambda: _("Only an administrator or a signatory of %(name)s may "
                                                                "pay into escrow."))),
                           guards=(_concluded(lambda: _("An intended agreement cannot be funded; conclude it as a "
                                                        "contract first.")), _deal_signed,
                                   _still_on_the_market)),
        # To ``released`` once all is paid out; a part paid out is recorded as ``released``
        # without a change of status.
        "release": Action(sources=(M.FUNDED,), target=M.RELEASED, verb=Verb.RELEASED,
                          who=(_buyer_or_operator, _binding(lambda: _("Only an administrator or a signatory of "
                                                                      "%(name)s may release money held in escrow."))),
                          guards=(_releases_held, _releasable)),
        "refund": Action(sources=(M.FUNDED,), target=M.REFUNDED, verb=Verb.REFUNDED, guards=(the_exchange_only,)),
    },
    refuse_status=_milestone_status_refusal,
)


def _dispute_decided(dispute: Dispute, name: str, action: Action) -> Refusal:
    return Refusal(_("This request to cancel the deal has already been decided."), code="dispute_decided",
                   error=Conflict)


DISPUTE: Workflow[Dispute] = Workflow(
    name="dispute",
    model=Dispute,
    event_model=DealEvent,
    subject_field="deal",
    record_on=lambda dispute: dispute.deal,
    actions={
        # Granted, the deal is cancelled through the cancelling path (held money refunded).
        "grant": Action(sources=(Dispute.Status.OPEN,), target=Dispute.Status.CANCELLED,
                        verb=Verb.CANCELLATION_GRANTED, who=(_operator,)),
        "reject": Action(sources=(Dispute.Status.OPEN,), target=Dispute.Status.REJECTED,
                         verb=Verb.CANCELLATION_REJECTED, who=(_operator,)),
    },
    refuse_status=_dispute_decided,
)
