"""The valuation's steps: the requester asks and may withdraw before sign-off; the appraiser
accepts or declines, records the approaches, and signs off (an administrator or signatory:
the report commits the appraiser)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ipx.accounts.selectors import binds, is_member
from ipx.core.errors import PermissionDenied
from ipx.core.workflow import Action, Attempt, Guard, Refusal, Workflow
from ipx.finance.models import Valuation, ValuationEvent


def _member_of(side: str, *, binding: bool) -> Guard:
    def guard(attempt: Attempt) -> Refusal | None:
        actor = attempt.actor
        organisation_id = getattr(attempt.subject, f"{side}_id")
        if actor is not None and getattr(actor, "is_authenticated", False) and (
                binds(actor, organisation_id) if binding else is_member(actor, organisation_id)):
            return None
        if side == "appraiser":
            return Refusal(_("Only the appraiser's administrators or signatories may do this.") if binding
                           else _("Only the appraiser may do this."), error=PermissionDenied)
        return Refusal(_("Only the requester may do this."), error=PermissionDenied)

    return guard


S = Valuation.Status
VALUATION = Workflow(name="valuation", model=Valuation, event_model=ValuationEvent,
                     not_found=_("No such valuation."), actions={
    "accept": Action(sources=(S.REQUESTED,), target=S.IN_PROGRESS, who=(_member_of("appraiser", binding=True),)),
    "decline": Action(sources=(S.REQUESTED,), target=S.DECLINED, who=(_member_of("appraiser", binding=True),)),
    "record": Action(sources=(S.IN_PROGRESS,), who=(_member_of("appraiser", binding=False),)),
    "sign_off": Action(sources=(S.IN_PROGRESS,), target=S.SIGNED_OFF, who=(_member_of("appraiser", binding=True),)),
    "withdraw": Action(sources=(S.REQUESTED, S.IN_PROGRESS), target=S.WITHDRAWN,
                       who=(_member_of("requester", binding=False),)),
})
