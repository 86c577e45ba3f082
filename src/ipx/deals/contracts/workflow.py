"""The deal's and its milestones' transition tables: who may take which step, and when.

DEAL: awaiting_signatures → signed (both parties signed) → recordal_submitted (the seller
entered the recordal number) → completed (an operator checked it); back from
recordal_submitted to signed when the operator returns the number; a signed intended
agreement goes back to awaiting_signatures when it is concluded as a contract (both sides
sign the new text); cancelled from anywhere before completion. A signature that does not
complete the set changes no status: it is recorded.

MILESTONE: pending → funded (the buyer pays into escrow) → released (all of it paid to the
seller; a part is recorded without a change) or refunded (the deal was cancelled). Its
events go to the deal's history.

Pages and the API show an action exactly when ``allowed_actions`` lists it; the services
take the same table, so a button and its service never disagree. In particular
``release_condition`` is the one place that says when held money may be released.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.core.errors import Conflict, PermissionDenied
from ipx.core.workflow import Action, Attempt, Guard, Refusal, Workflow
from ipx.deals.access import Role, role_in_deal, side_label
from ipx.deals.models import Commitment, Deal, DealEvent, DealMilestone, MilestoneCondition
from ipx.deals.timeline import Verb

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


def _system(attempt: Attempt) -> Refusal | None:
    # Steps the exchange takes itself (the last signature completes the set, cancelling
    # refunds): never offered to anyone, taken by the services with ``check=False``.
    return Refusal(_("The exchange takes this step itself."), error=PermissionDenied)


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
        "sign": Action(sources=(S.AWAITING_SIGNATURES,), verb=Verb.SIGNED, who=(_party(), _not_signed_yet),
                           guards=(_contract_ready,)),
        "fully_signed": Action(sources=(S.AWAITING_SIGNATURES,), target=S.SIGNED, verb=Verb.FULLY_SIGNED,
                                   guards=(_system,)),
        "conclude": Action(sources=(S.AWAITING_SIGNATURES, S.SIGNED), target=S.AWAITING_SIGNATURES,
                               verb=Verb.CONCLUDED, who=(_party(),), guards=(_intended,)),
        "submit_recordal": Action(
            sources=(S.SIGNED,), target=S.RECORDAL_SUBMITTED, verb=Verb.RECORDAL_SUBMITTED, who=(_party("seller"),),
            guards=(_concluded(lambda: _("An intended agreement is not recorded; conclude it as a contract first.")),)),
        "approve_recordal": Action(sources=(S.RECORDAL_SUBMITTED,), target=S.COMPLETED, verb=Verb.RECORDAL_APPROVED,
                                       who=(_operator,)),
        "return_recordal": Action(sources=(S.RECORDAL_SUBMITTED,), target=S.SIGNED, verb=Verb.RECORDAL_RETURNED,
                                      who=(_operator,)),
        "cancel": Action(sources=OPEN_STATUSES, target=S.CANCELLED, verb=Verb.CANCELLED, who=(_party_or_operator,)),
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
        "fund": Action(sources=(M.PENDING,), target=M.FUNDED, verb=Verb.FUNDED, who=(_party("buyer"),),
                           guards=(_concluded(lambda: _("An intended agreement cannot be funded; conclude it as a "
                                                        "contract first.")), _deal_signed)),
        # To ``released`` once all is paid out; a part paid out is recorded as ``released``
        # without a change of status.
        "release": Action(sources=(M.FUNDED,), target=M.RELEASED, verb=Verb.RELEASED, who=(_buyer_or_operator,),
                              guards=(_releasable,)),
        "refund": Action(sources=(M.FUNDED,), target=M.REFUNDED, verb=Verb.REFUNDED, guards=(_system,)),
    },
    refuse_status=_milestone_status_refusal,
)
