"""Reads for members, scoped to what the asking user may see."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ipx.accounts.models import Membership, Organisation, OrganisationEvent, User
from ipx.core.errors import NotFound, PermissionDenied

# A user's memberships, as menus and choices list them (also ipx.accounts.current's read).
MEMBERSHIP_ORDER = ("organisation__name",)


def memberships_of(user: User | AnonymousUser) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    # The user comes along: whether a membership binds asks if their address is confirmed.
    return (Membership.objects.filter(user=user).select_related("organisation", "user")
            .order_by(*MEMBERSHIP_ORDER))


def access_organisation(user: User, organisation_id: int, *, admin: bool = False) -> Organisation:
    """The organisation if ``user`` is a member (an administrator when ``admin``)."""
    membership = memberships_of(user).filter(organisation_id=organisation_id).first()
    if membership is None:
        if not Organisation.objects.filter(pk=organisation_id).exists():
            raise NotFound(_("No such organisation."))
        raise PermissionDenied(_("You are not a member of this organisation."))
    if admin and membership.role != Membership.Role.ADMIN:
        raise PermissionDenied(_("Only an administrator of the organisation may do this."))
    return membership.organisation


def is_member(user: User, organisation_id: int) -> bool:
    return memberships_of(user).filter(organisation_id=organisation_id).exists()


def binds(user: User, organisation_id: int) -> bool:
    """Whether ``user`` may commit the organisation: an administrator or a named signatory."""
    membership = memberships_of(user).filter(organisation_id=organisation_id).first()
    return membership is not None and membership.binds


def signatory_ids(user: User) -> set[int]:
    """The organisations ``user`` may commit."""
    return {m.organisation_id for m in memberships_of(user) if m.binds}


def organisation_members(user: User, organisation_id: int) -> QuerySet[Membership]:
    """Who belongs to an organisation and who of them may sign: for its members and operators."""
    if not user.is_operator:
        access_organisation(user, organisation_id)
    elif not Organisation.objects.filter(pk=organisation_id).exists():
        raise NotFound(_("No such organisation."))
    return (Membership.objects.filter(organisation_id=organisation_id).select_related("user")
            .order_by("-role", "user__full_name", "user__email"))


def organisation_public(organisation_id: int) -> Organisation:
    """An organisation's public profile (its booth); rejected ones are not shown."""
    try:
        return Organisation.objects.exclude(status=Organisation.Status.REJECTED).get(pk=organisation_id)
    except Organisation.DoesNotExist:
        raise NotFound(_("No such organisation.")) from None


def organisation_visible(user: User | AnonymousUser, organisation_id: int) -> Organisation:
    """The public profile, or any status for the organisation's members and the operators
    (a rejected organisation is hidden from everyone else)."""
    if isinstance(user, User) and (user.is_operator or is_member(user, organisation_id)):
        try:
            return Organisation.objects.get(pk=organisation_id)
        except Organisation.DoesNotExist:
            raise NotFound(_("No such organisation.")) from None
    return organisation_public(organisation_id)


def organisation_for_review(user: User, organisation_id: int) -> Organisation:
    """An organisation's verification page: its members and the operators; for anyone else
    it does not exist."""
    if user.is_operator or is_member(user, organisation_id):
        found = Organisation.objects.filter(pk=organisation_id).first()
        if found is not None:
            return found
    raise NotFound(_("No such organisation."))


def organisation_events(organisation: Organisation) -> QuerySet[OrganisationEvent]:
    """Its history, newest first."""
    return organisation.events.select_related("actor").order_by("-id")


def organisations_awaiting_verification() -> QuerySet[Organisation]:
    return Organisation.objects.filter(status=Organisation.Status.PENDING).order_by("created_at")


def organisations_verified() -> QuerySet[Organisation]:
    return Organisation.objects.filter(status=Organisation.Status.VERIFIED)
