"""The valuation's steps: the requester asks and may withdraw before sign-off; the appraiser
accepts or declines, records the approaches, and signs off (an administrator or signatory:
the report commits the appraiser). Then the loan's, and insurance policies' and claims'."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ipx.accounts.selectors import binds, is_member
from ipx.core.errors import PermissionDenied
from ipx.core.workflow import Action, Attempt, Guard, Refusal, Workflow, the_exchange_only
from ipx.finance.models import (
    Claim,
    ClaimEvent,
    Loan,
    LoanEvent,
    Policy,
    PolicyEvent,
    Valuation,
    ValuationEvent,
)

REFUSALS = {
    ("appraiser", True): _("Only the appraiser's administrators or signatories may do this."),
    ("appraiser", False): _("Only the appraiser may do this."),
    ("requester", False): _("Only the requester may do this."),
    ("bank", True): _("Only the bank's administrators or signatories may do this."),
    ("borrower", True): _("Only the borrower's administrators or signatories may do this."),
    ("borrower", False): _("Only the borrower may do this."),
    ("insurer", True): _("Only the insurer's administrators or signatories may do this."),
    ("policyholder", True): _("Only the policyholder's administrators or signatories may do this."),
    ("policyholder", False): _("Only the policyholder may do this."),
    ("originator", True): _("Only the originator's administrators or signatories may do this."),
    ("trustee", True): _("Only the trustee's administrators or signatories may do this."),
    ("servicer", True): _("Only the servicer's administrators or signatories may do this."),
}


def member_of(side: str, *, binding: bool) -> Guard:
    def guard(attempt: Attempt) -> Refusal | None:
        actor = attempt.actor
        organisation_id = getattr(attempt.subject, f"{side}_id")
        if actor is not None and getattr(actor, "is_authenticated", False) and (
                binds(actor, organisation_id) if binding else is_member(actor, organisation_id)):
            return None
        return Refusal(REFUSALS[side, binding], error=PermissionDenied)

    return guard


S = Valuation.Status
VALUATION = Workflow(name="valuation", model=Valuation, event_model=ValuationEvent,
                     not_found=_("No such valuation."), actions={
    "accept": Action(sources=(S.REQUESTED,), target=S.IN_PROGRESS, who=(member_of("appraiser", binding=True),)),
    "decline": Action(sources=(S.REQUESTED,), target=S.DECLINED, who=(member_of("appraiser", binding=True),)),
    "record": Action(sources=(S.IN_PROGRESS,), who=(member_of("appraiser", binding=False),)),
    "sign_off": Action(sources=(S.IN_PROGRESS,), target=S.SIGNED_OFF, who=(member_of("appraiser", binding=True),)),
    "withdraw": Action(sources=(S.REQUESTED, S.IN_PROGRESS), target=S.WITHDRAWN,
                       who=(member_of("requester", binding=False),)),
})


def _operator(attempt: Attempt) -> Refusal | None:
    if getattr(attempt.actor, "is_operator", False):
        return None
    return Refusal(_("Only the exchange's operators check pledge registrations."), error=PermissionDenied)


L = Loan.Status
LOAN = Workflow(name="loan", model=Loan, event_model=LoanEvent, not_found=_("No such loan."), actions={
    "offer": Action(sources=(L.APPLIED,), target=L.OFFERED, who=(member_of("bank", binding=True),)),
    "decline": Action(sources=(L.APPLIED,), target=L.DECLINED, who=(member_of("bank", binding=True),)),
    "accept": Action(sources=(L.OFFERED,), target=L.ACCEPTED, who=(member_of("borrower", binding=True),)),
    # A valuation asked for after applying is attached once signed off (the bank offers on it).
    "attach_valuation": Action(sources=(L.APPLIED,), who=(member_of("borrower", binding=False),)),
    "withdraw": Action(sources=(L.APPLIED, L.OFFERED), target=L.WITHDRAWN,
                       who=(member_of("borrower", binding=True),)),
    "submit_pledge": Action(sources=(L.ACCEPTED,), target=L.PLEDGE_SUBMITTED,
                            who=(member_of("borrower", binding=False),)),
    "approve_pledge": Action(sources=(L.PLEDGE_SUBMITTED,), target=L.ACTIVE, who=(_operator,)),
    "return_pledge": Action(sources=(L.PLEDGE_SUBMITTED,), target=L.ACCEPTED, who=(_operator,)),
    # Paying moves the borrower's money: its administrators and signatories only.
    "pay": Action(sources=(L.ACTIVE,), who=(member_of("borrower", binding=True),)),
    "repaid": Action(sources=(L.ACTIVE,), target=L.REPAID, who=(the_exchange_only,)),
    "default": Action(sources=(L.ACTIVE,), target=L.DEFAULTED, who=(the_exchange_only,)),
})

# Insurance: the policyholder pays the premium (which issues the policy) or cancels its request;
# the insurer declines a request; the exchange expires a policy at the end of its term.
# Claims are filed by the policyholder on a policy in force, decided and paid by the insurer.
P = Policy.Status
POLICY = Workflow(name="policy", model=Policy, event_model=PolicyEvent, not_found=_("No such policy."), actions={
    "pay": Action(sources=(P.REQUESTED,), target=P.ISSUED, who=(member_of("policyholder", binding=True),)),
    "cancel": Action(sources=(P.REQUESTED,), target=P.CANCELLED, who=(member_of("policyholder", binding=False),)),
    "decline": Action(sources=(P.REQUESTED,), target=P.DECLINED, who=(member_of("insurer", binding=True),)),
    "claim": Action(sources=(P.ISSUED,), who=(member_of("policyholder", binding=False),)),
    "expire": Action(sources=(P.ISSUED,), target=P.EXPIRED, who=(the_exchange_only,)),
})

C = Claim.Status
CLAIM = Workflow(name="claim", model=Claim, event_model=ClaimEvent, not_found=_("No such claim."), actions={
    "approve": Action(sources=(C.FILED,), target=C.APPROVED, who=(member_of("insurer", binding=True),)),
    "reject": Action(sources=(C.FILED,), target=C.REJECTED, who=(member_of("insurer", binding=True),)),
    "pay": Action(sources=(C.APPROVED,), target=C.PAID, who=(member_of("insurer", binding=True),)),
})
