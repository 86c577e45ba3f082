"""A data product's steps, from draft to registration and after.

The registrant drafts and applies (its administrators or signatories: the application
commits it), may withdraw before review ends and, once registered, ask for a change, renew
or cancel. The registry's reviewers (the exchange's operators) check the form, then the
substance, each able to return the application for changes or reject it with a reason; they
publish it for objections, and after the period, with every objection decided, grant or
refuse it. Revocation is theirs too. Objections are recorded on the product by anyone signed
in, other than the registrant, while the period runs.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ipx.accounts.selectors import binds, is_member
from ipx.core.errors import Conflict, PermissionDenied
from ipx.core.workflow import Action, Attempt, Guard, Refusal, Workflow
from ipx.dataip.models import DataProduct, DataProductEvent


def _registrant(*, binding: bool) -> Guard:
    def guard(attempt: Attempt) -> Refusal | None:
        actor, product = attempt.actor, attempt.subject
        if actor is not None and getattr(actor, "is_authenticated", False) and (
                binds(actor, product.registrant_id) if binding else is_member(actor, product.registrant_id)):
            return None
        if binding:
            return Refusal(_("Only the registrant's administrators or signatories may do this."),
                           error=PermissionDenied)
        return Refusal(_("Only the registrant may do this."), error=PermissionDenied)

    return guard


def _reviewer(attempt: Attempt) -> Refusal | None:
    if getattr(attempt.actor, "is_operator", False):
        return None
    return Refusal(_("Only the registry's reviewers may do this."), error=PermissionDenied)


def _not_the_registrant(attempt: Attempt) -> Refusal | None:
    actor = attempt.actor
    if actor is None or not getattr(actor, "is_authenticated", False):
        return Refusal(_("Sign in to object."), error=PermissionDenied)
    if is_member(actor, attempt.subject.registrant_id):
        return Refusal(_("The registrant does not object to its own application."), error=PermissionDenied)
    return None


def _period_running(attempt: Attempt) -> Refusal | None:
    until = attempt.subject.publicity_until
    if until is not None and timezone.localdate() > until:
        return Refusal(_("The objection period ended on %(date)s.") % {"date": until.isoformat()}, error=Conflict)
    return None


def _period_over(attempt: Attempt) -> Refusal | None:
    until = attempt.subject.publicity_until
    if until is not None and timezone.localdate() <= until:
        return Refusal(_("Objections may be made until %(date)s; the registration is decided after that.")
                       % {"date": until.isoformat()}, error=Conflict)
    return None


def _objections_decided(attempt: Attempt) -> Refusal | None:
    if attempt.subject.objections.filter(status="open").exists():
        return Refusal(_("Decide every objection first."), error=Conflict)
    return None


S = DataProduct.Status
DATA_PRODUCT: Workflow[DataProduct] = Workflow(
    name="data_product", model=DataProduct, event_model=DataProductEvent, subject_field="product",
    not_found=_("No such data product."), actions={
        "edit": Action(sources=(S.DRAFT, S.RETURNED), who=(_registrant(binding=False),)),
        "submit": Action(sources=(S.DRAFT, S.RETURNED), target=S.FORMAL_REVIEW, who=(_registrant(binding=True),)),
        "withdraw": Action(sources=(S.DRAFT, S.RETURNED, S.FORMAL_REVIEW, S.SUBSTANTIVE_REVIEW), target=S.WITHDRAWN,
                           who=(_registrant(binding=True),)),
        "pass_formal": Action(sources=(S.FORMAL_REVIEW,), target=S.SUBSTANTIVE_REVIEW, who=(_reviewer,)),
        "return": Action(sources=(S.FORMAL_REVIEW, S.SUBSTANTIVE_REVIEW), target=S.RETURNED, who=(_reviewer,)),
        "reject": Action(sources=(S.FORMAL_REVIEW, S.SUBSTANTIVE_REVIEW), target=S.REJECTED, who=(_reviewer,)),
        "publish": Action(sources=(S.SUBSTANTIVE_REVIEW,), target=S.PUBLICITY, who=(_reviewer,)),
        "object": Action(sources=(S.PUBLICITY,), who=(_not_the_registrant,), guards=(_period_running,)),
        "decide_objection": Action(sources=(S.PUBLICITY,), who=(_reviewer,)),
        "grant": Action(sources=(S.PUBLICITY,), target=S.GRANTED, who=(_reviewer,),
                        guards=(_period_over, _objections_decided)),
        # An upheld objection may end the application before the period does.
        "refuse": Action(sources=(S.PUBLICITY,), target=S.REFUSED, who=(_reviewer,), guards=(_objections_decided,)),
        "request_change": Action(sources=(S.GRANTED,), target=S.CHANGE_REVIEW, who=(_registrant(binding=True),)),
        "approve_change": Action(sources=(S.CHANGE_REVIEW,), target=S.GRANTED, who=(_reviewer,)),
        "refuse_change": Action(sources=(S.CHANGE_REVIEW,), target=S.GRANTED, who=(_reviewer,)),
        "renew": Action(sources=(S.GRANTED,), who=(_registrant(binding=True),)),
        "cancel": Action(sources=(S.GRANTED,), target=S.CANCELLED, who=(_registrant(binding=True),)),
        "revoke": Action(sources=(S.GRANTED, S.CHANGE_REVIEW), target=S.REVOKED, who=(_reviewer,)),
    })
