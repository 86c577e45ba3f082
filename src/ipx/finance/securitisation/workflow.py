"""The securitisation's steps on the workflow kernel.

The originator's administrators or signatories build the product (pool, structure, issue,
cancel before issue); any organisation may subscribe to a structured product's tranches (the
service checks the investor binds); the servicer's members record each period's
collections; the trustee's administrators or signatories run the periods and retire the
product once its notes are repaid."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ipx.core.errors import PermissionDenied
from ipx.core.workflow import Action, Attempt, Refusal, Workflow
from ipx.finance.models import Product, ProductEvent
from ipx.finance.workflow import member_of


def _member_of_an_organisation(attempt: Attempt) -> Refusal | None:
    actor = attempt.actor
    if actor is not None and getattr(actor, "is_authenticated", False) and not getattr(actor, "is_operator", False):
        return None
    return Refusal(_("Investors subscribe for an organisation they belong to."), error=PermissionDenied)


S = Product.Status
originator = member_of("originator", binding=True)
SECURITISATION = Workflow(
    name="securitisation", model=Product, event_model=ProductEvent, subject_field="product",
    not_found=_("No such securitisation."), actions={
        # The pool may be chosen again until the product is structured on it.
        "pool": Action(sources=(S.DRAFT, S.POOLED), target=S.POOLED, who=(originator,)),
        # Structured again (new terms) until issued.
        "structure": Action(sources=(S.POOLED, S.STRUCTURED), target=S.STRUCTURED, who=(originator,)),
        "subscribe": Action(sources=(S.STRUCTURED,), who=(_member_of_an_organisation,)),
        "issue": Action(sources=(S.STRUCTURED,), target=S.ISSUED, who=(originator,)),
        "cancel": Action(sources=(S.DRAFT, S.POOLED, S.STRUCTURED), target=S.CANCELLED, who=(originator,)),
        # Recording collections moves the servicer's money to the trustee: those who bind it.
        "record_collections": Action(sources=(S.ISSUED, S.SERVICING),
                                     who=(member_of("servicer", binding=True),)),
        "run_period": Action(sources=(S.ISSUED, S.SERVICING), target=S.SERVICING,
                             who=(member_of("trustee", binding=True),)),
        "retire": Action(sources=(S.SERVICING,), target=S.RETIRED, who=(member_of("trustee", binding=True),)),
    })
