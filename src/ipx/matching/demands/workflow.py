"""The demand's workflow on the kernel: who may move a demand, from where, to where.

draft → submitted → published (operator review) → closed (by the poster) / expired (the
deadline passed); the operator may send a submitted demand back to draft with a reason, and
the poster may recall it to draft. Drafts and published demands may be edited ("edit" keeps
the status). Pages and the API show a button exactly when ``DEMAND.allowed_actions`` lists it.

Domain events: ``demand.changed`` whenever a demand enters or leaves the published state
(matching recomputes from it; edits of a published demand send it too, from the service).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ipx.accounts.selectors import is_member
from ipx.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ipx.core.workflow import Action, Attempt, Refusal, Workflow
from ipx.events import publish
from ipx.matching.models import Demand, DemandEvent

S = Demand.Status


# --- Guards --------------------------------------------------------------------------------

def _is_poster(attempt: Attempt) -> bool:
    demand: Demand = attempt.subject
    return bool(attempt.remember("poster", lambda: is_member(attempt.actor, demand.organisation_id)))


def posters_only(attempt: Attempt) -> Refusal | None:
    """Members of the posting organisation; a demand never published does not exist for
    anyone else but the operators."""
    if _is_poster(attempt):
        return None
    demand: Demand = attempt.subject
    if demand.published_at is None and not attempt.actor.is_operator:
        return Refusal(_("No such demand."), error=NotFound)
    return Refusal(_("Only members of the posting organisation may change this demand."), error=PermissionDenied)


def operators_only(attempt: Attempt) -> Refusal | None:
    if getattr(attempt.actor, "is_operator", False):
        return None
    return Refusal(_("Only operators moderate demands."), error=PermissionDenied)


def _verified_to_submit(attempt: Attempt) -> Refusal | None:
    organisation = attempt.subject.organisation
    if organisation.is_verified:
        return None
    return Refusal(_("%(name)s is not verified yet; demands can be submitted once the operator has verified it.")
                   % {"name": organisation.name}, error=PermissionDenied)


def _deadline_ahead_to_submit(attempt: Attempt) -> Refusal | None:
    if attempt.subject.deadline > timezone.localdate():
        return None
    message = _("The deadline has passed; set a later one first.")
    return Refusal(message, error=ValidationFailed, fields={"deadline": message})


def _verified_to_publish(attempt: Attempt) -> Refusal | None:
    if attempt.subject.organisation.is_verified:
        return None
    return Refusal(_("The organisation is not verified; verify it first."), error=Conflict)


def _deadline_ahead_to_publish(attempt: Attempt) -> Refusal | None:
    if attempt.subject.deadline > timezone.localdate():
        return None
    return Refusal(_("The demand's deadline has passed; send it back so the poster can set a new one."),
                   error=Conflict)


def _by_the_clock(attempt: Attempt) -> Refusal | None:
    # Nobody expires a demand by hand: the daily job does (with check=False) once the
    # deadline has passed, so no page or API answer ever offers it.
    return Refusal(_("A demand expires by itself when its deadline has passed."), error=PermissionDenied)


# --- The table -----------------------------------------------------------------------------

def _refuse_status(demand: Demand, name: str, action: Action) -> Refusal:
    if name == "recall":
        return Refusal(_("Only demands awaiting review can be recalled."))
    if name == "reject":
        return Refusal(_("Only demands awaiting review can be sent back."))
    if name == "edit":
        return Refusal(_("A demand that is %(status)s cannot be edited.") % {"status": demand.get_status_display()},
                       error=Conflict)
    target = S(action.target).label if action.target else demand.get_status_display()
    return Refusal(_("A demand that is %(from)s cannot become %(to)s.")
                   % {"from": demand.get_status_display(), "to": target}, error=InvalidTransition)


def _on_change(demand: Demand, previous: str, target: str) -> None:
    if S.PUBLISHED in (previous, target):
        publish("demand.changed", demand_id=demand.pk)


# ``who``: who may take the action at all, asked before its status — who may ask comes before
# what they asked for, and a demand someone may not see is not found before its status is told.
DEMAND: Workflow[Demand] = Workflow(
    name="demand",
    model=Demand,
    event_model=DemandEvent,
    actions={
        "submit": Action(sources=(S.DRAFT,), target=S.SUBMITTED, who=(posters_only,),
                         guards=(_verified_to_submit, _deadline_ahead_to_submit)),
        "recall": Action(sources=(S.SUBMITTED,), target=S.DRAFT, who=(posters_only,)),
        "approve": Action(sources=(S.SUBMITTED,), target=S.PUBLISHED, who=(operators_only,),
                          guards=(_verified_to_publish, _deadline_ahead_to_publish)),
        "reject": Action(sources=(S.SUBMITTED,), target=S.DRAFT, who=(operators_only,)),
        "edit": Action(sources=(S.DRAFT, S.PUBLISHED), who=(posters_only,)),
        "close": Action(sources=(S.DRAFT, S.SUBMITTED, S.PUBLISHED), target=S.CLOSED, who=(posters_only,)),
        "expire": Action(sources=(S.SUBMITTED, S.PUBLISHED), target=S.EXPIRED, guards=(_by_the_clock,)),
    },
    refuse_status=_refuse_status,
    not_found=gettext_lazy("No such demand."),
    on_change=_on_change,
)
