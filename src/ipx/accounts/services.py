"""Writes for members: registration, verification, memberships, invitations, API tokens.

They take the typed values of ``accounts.inputs``, checked there once (an edit is checked
there against the organisation as it is, under the row's lock).

Verification moves on the workflow table in ``accounts.workflow``; its mails are worded in
``accounts.notices`` after commit, in each recipient's language."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts import notices
from ipx.accounts.inputs import (
    InvitationInput,
    OrganisationInput,
    OrganisationValues,
    RegistrationInput,
    TokenInput,
    UserInput,
)
from ipx.accounts.models import (
    ApiToken,
    Invitation,
    Membership,
    Organisation,
    OrganisationEvent,
    User,
)
from ipx.accounts.workflow import ORGANISATION, administrators_only
from ipx.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ipx.core.workflow import enforce
from ipx.events import publish

INVITATION_DAYS = 14


# --- Users -----------------------------------------------------------------------------------

@transaction.atomic
def user_register(*, account: UserInput) -> User:
    return User.objects.create_user(account.email, account.password, full_name=account.full_name,
                                    preferred_language=account.preferred_language)


# --- Organisations ---------------------------------------------------------------------------

@transaction.atomic
def organisation_register(*, user: User, organisation: OrganisationInput) -> Organisation:
    """A new organisation, pending verification, with ``user`` as its administrator."""
    created = Organisation.objects.create(**organisation.columns())
    Membership.objects.create(user=user, organisation=created, role=Membership.Role.ADMIN)
    ORGANISATION.record(created, OrganisationEvent.Kind.REGISTERED, actor=user, from_status="")
    return created


@transaction.atomic
def registration_submit(*, registration: RegistrationInput) -> tuple[User, Organisation]:
    """Sign-up of a new person together with their organisation, all or nothing."""
    user = user_register(account=registration.user)
    return user, organisation_register(user=user, organisation=registration.organisation)


def _admins(organisation: Organisation) -> list[User]:
    return [m.user for m in organisation.memberships.select_related("user")
            .filter(role=Membership.Role.ADMIN, user__is_active=True)]


@transaction.atomic
def organisation_verify(*, organisation_id: int, operator: User) -> Organisation:
    organisation = ORGANISATION.lock(organisation_id)
    organisation.verified_at = timezone.now()
    organisation.rejection_reason = ""
    ORGANISATION.transition(organisation, "verify", actor=operator, fields=["verified_at", "rejection_reason"])
    notices.mail(_admins(organisation), notices.VERIFIED, {"name": organisation.name})
    return organisation


@transaction.atomic
def organisation_reject(*, organisation_id: int, operator: User, reason: str) -> Organisation:
    organisation = ORGANISATION.lock(organisation_id)
    # Who may reject is answered before what they typed is looked at.
    ORGANISATION.check(organisation, "reject", operator)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.for_field("reason", _("Give the reason for the rejection; the applicant sees it."))
    if len(reason) > 2000:
        raise ValidationFailed.for_field("reason", _("The reason is too long: at most 2000 characters."))
    organisation.rejection_reason = reason
    ORGANISATION.transition(organisation, "reject", actor=operator, note=reason, fields=["rejection_reason"])
    notices.mail(_admins(organisation), notices.REJECTED, {"name": organisation.name, "reason": reason})
    return organisation


@transaction.atomic
def organisation_update(*, organisation_id: int, actor: User, changes: OrganisationValues) -> Organisation:
    """Edit an organisation's details. Identity fields of a verified body stay as verified."""
    organisation = ORGANISATION.lock(organisation_id)
    enforce((administrators_only,), organisation, actor)
    for name, value in OrganisationInput.parse_change(organisation, changes).columns().items():
        setattr(organisation, name, value)
    organisation.save()
    publish("organisation.changed", organisation_id=organisation.pk)
    return organisation


@transaction.atomic
def organisation_resubmit(*, organisation_id: int, actor: User) -> Organisation:
    organisation = ORGANISATION.lock(organisation_id)
    ORGANISATION.transition(organisation, "resubmit", actor=actor)
    return organisation


# --- Invitations -----------------------------------------------------------------------------

@transaction.atomic
def invitation_create(*, organisation_id: int, inviter: User, invitation: InvitationInput) -> Invitation:
    organisation = ORGANISATION.lock(organisation_id)
    enforce((administrators_only,), organisation, inviter)
    if Membership.objects.filter(organisation=organisation, user__email__iexact=invitation.email).exists():
        raise ValidationFailed.for_field("email", _("This person is already a member."))
    created = Invitation.objects.create(
        organisation=organisation, email=invitation.email, role=invitation.role, invited_by=inviter,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    existing = User.objects.filter(email__iexact=invitation.email).first()
    recipient = existing or User(email=invitation.email, preferred_language=inviter.preferred_language)
    link = f"{settings.IPX_SITE_URL}{reverse('accounts:accept_invitation', args=[created.token])}"
    notices.mail([recipient], notices.INVITED, {"name": organisation.name, "link": link, "days": INVITATION_DAYS})
    return created


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    try:
        invitation = Invitation.objects.select_for_update().get(token=token)
    except Invitation.DoesNotExist:
        raise NotFound(_("This invitation does not exist.")) from None
    if invitation.accepted_at is not None:
        raise Conflict(_("This invitation has already been used."))
    if invitation.expires_at < timezone.now():
        raise Conflict(_("This invitation has expired; ask for a new one."))
    if invitation.email.lower() != user.email.lower():
        raise PermissionDenied(_("This invitation was sent to another e-mail address."))
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


# --- API tokens ------------------------------------------------------------------------------

@transaction.atomic
def api_token_create(*, user: User, token: TokenInput) -> tuple[ApiToken, str]:
    """Returns the token and its key; the key is not stored and cannot be shown again."""
    key = ApiToken.new_key()
    return ApiToken.objects.create(user=user, name=token.name, key_hash=ApiToken.hash_key(key)), key


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> None:
    deleted, _rows = ApiToken.objects.filter(pk=token_id, user=user).delete()
    if not deleted:
        raise NotFound(_("No such token."))
