"""An organisation's verification on the workflow kernel.

A new organisation waits for the operator (pending); the operator verifies or rejects it;
the administrators of a rejected organisation correct its details and resubmit it. The
API's ``allowed_actions`` and the buttons of the pages come from this table, and the
services refuse exactly what it refuses.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ipx.accounts.models import Membership, Organisation, OrganisationEvent, User
from ipx.core.errors import NotFound, PermissionDenied
from ipx.core.workflow import Action, Attempt, Refusal, Workflow

Status = Organisation.Status
Kind = OrganisationEvent.Kind


def operators_only(attempt: Attempt) -> Refusal | None:
    if getattr(attempt.actor, "is_operator", False):
        return None
    return Refusal(_("Only operators may do this."), error=PermissionDenied)


def is_admin(user: User, organisation: Organisation) -> bool:
    return Membership.objects.filter(user_id=user.pk, organisation_id=organisation.pk,
                                     role=Membership.Role.ADMIN).exists()


def administrators_only(attempt: Attempt) -> Refusal | None:
    organisation: Organisation = attempt.subject
    if attempt.remember("admin", lambda: is_admin(attempt.actor, organisation)):
        return None
    rejected = organisation.status == Organisation.Status.REJECTED and not getattr(attempt.actor, "is_operator", False)
    if rejected and not Membership.objects.filter(user_id=attempt.actor.pk, organisation_id=organisation.pk).exists():
        # A rejected organisation is hidden from everyone but its members and the operators.
        return Refusal(_("No such organisation."), error=NotFound)
    return Refusal(_("Only an administrator of %(name)s may do this.") % {"name": organisation.name},
                   error=PermissionDenied)


def administrator_confirmed(attempt: Attempt) -> Refusal | None:
    """An organisation is verified only once an administrator has shown they read mail at
    their address (sign-up sends the link): the operator's decision must reach a person."""
    organisation: Organisation = attempt.subject
    if Membership.objects.filter(organisation_id=organisation.pk, role=Membership.Role.ADMIN,
                                 user__is_active=True, user__email_confirmed_at__isnull=False).exists():
        return None
    return Refusal(_("No administrator of %(name)s has confirmed their e-mail address yet.")
                   % {"name": organisation.name}, code="email_unconfirmed")


def actor_confirmed(attempt: Attempt) -> Refusal | None:
    if getattr(attempt.actor, "email_confirmed", False):
        return None
    return Refusal(_("Confirm your e-mail address first: follow the link we sent you, or ask for a new one."),
                   code="email_unconfirmed", error=PermissionDenied)


def _cannot_become(organisation: Organisation, name: str, action: Action) -> Refusal:
    return Refusal(
        _("An organisation that is %(from)s cannot become %(to)s.")
        % {"from": organisation.get_status_display(), "to": Status(str(action.target)).label}
    )


ORGANISATION: Workflow[Organisation] = Workflow(
    name="organisation",
    model=Organisation,
    event_model=OrganisationEvent,
    actions={
        # Verbs keep the names the history has always used (old rows read the same).
        "verify": Action(sources=(Status.PENDING,), target=Status.VERIFIED, who=(operators_only,),
                         guards=(administrator_confirmed,), publishes=("organisation.changed",), verb=Kind.VERIFIED),
        "reject": Action(sources=(Status.PENDING,), target=Status.REJECTED, who=(operators_only,),
                         publishes=("organisation.changed",), verb=Kind.REJECTED),
        # A rejected organisation is hidden from the public; back to pending, it shows again.
        "resubmit": Action(sources=(Status.REJECTED,), target=Status.PENDING, who=(administrators_only,),
                           guards=(actor_confirmed,), publishes=("organisation.changed",), verb=Kind.RESUBMITTED),
    },
    refuse_status=_cannot_become,
    not_found=gettext_lazy("No such organisation."),
)
