"""Writes for members: registration, verification, memberships, invitations (API tokens:
``accounts.tokens``).

They take the typed values of ``accounts.inputs``, checked there once (an edit is checked
there against the organisation as it is, under the row's lock).

Verification moves on the workflow table in ``accounts.workflow``; its mails are worded in
``accounts.notices`` after commit, in each recipient's language."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
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
    UserInput,
)
from ipx.accounts.models import (
    Invitation,
    Membership,
    Organisation,
    OrganisationEvent,
    User,
)
from ipx.accounts.passwords import notices as password_words
from ipx.accounts.passwords.services import email_confirmation_send, mark_email_confirmed
from ipx.accounts.workflow import ORGANISATION, administrators_only
from ipx.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ipx.core.workflow import enforce
from ipx.events import publish

INVITATION_DAYS = 14


# --- Users -----------------------------------------------------------------------------------

@transaction.atomic
def user_register(*, account: UserInput) -> User:
    """An account the exchange makes (operators, the demo): its address counts as confirmed.
    People who sign up themselves go through ``user_sign_up``."""
    return User.objects.create_user(account.email, account.password, full_name=account.full_name,
                                    preferred_language=account.preferred_language)


@transaction.atomic
def user_sign_up(*, account: UserInput) -> User | None:
    """A person signing up: a new account with its address still to confirm (a link is mailed),
    or, when the address has an account already, nothing but a mail to its owner. The caller
    answers both alike, so sign-up does not tell who has an account (None: nothing made)."""
    existing = User.objects.filter(email__iexact=account.email).first()
    if existing is not None:
        make_password(account.password)  # the time a new account's hashing takes, spent alike
        notices.mail([existing], password_words.SIGN_UP_AGAIN, {
            "login": f"{settings.IPX_SITE_URL}{reverse('accounts:login')}",
            "reset": f"{settings.IPX_SITE_URL}{reverse('accounts:password_reset')}"})
        return None
    user = User.objects.create_user(account.email, account.password, full_name=account.full_name,
                                    preferred_language=account.preferred_language, email_confirmed_at=None)
    email_confirmation_send(user=user)
    return user


# --- Organisations ---------------------------------------------------------------------------

@transaction.atomic
def organisation_register(*, user: User, organisation: OrganisationInput) -> Organisation:
    """A new organisation, pending verification, with ``user`` as its administrator, who must
    have confirmed their e-mail address."""
    if not user.email_confirmed:
        raise PermissionDenied(_("Confirm your e-mail address first: follow the link we sent you, or ask for "
                                 "a new one."), code="email_unconfirmed")
    return _organisation_create(user=user, organisation=organisation)


def _organisation_create(*, user: User, organisation: OrganisationInput) -> Organisation:
    created = Organisation.objects.create(**organisation.columns())
    Membership.objects.create(user=user, organisation=created, role=Membership.Role.ADMIN)
    ORGANISATION.record(created, OrganisationEvent.Kind.REGISTERED, actor=user, from_status="")
    return created


@transaction.atomic
def registration_submit(*, registration: RegistrationInput) -> tuple[User, Organisation] | None:
    """Sign-up of a new person together with their organisation, all or nothing. The
    organisation waits for the operator, who verifies it once its administrator's address is
    confirmed. None when the address has an account already (see ``user_sign_up``)."""
    user = user_sign_up(account=registration.user)
    if user is None:
        return None
    return user, _organisation_create(user=user, organisation=registration.organisation)


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
    # The invitation's link was mailed to this address, which the user signs in with.
    mark_email_confirmed(user)
    return membership


# --- Signatories -----------------------------------------------------------------------------

@transaction.atomic
def membership_signatory(*, organisation_id: int, user_id: int, actor: User, signatory: bool) -> Membership:
    """Name a member a signatory of the organisation (who may then accept, sign, cancel and
    move money for it), or withdraw that. Only its administrators may; the organisation's
    history records who named or unnamed whom. Asking for what is already so changes nothing."""
    organisation = ORGANISATION.lock(organisation_id)
    enforce((administrators_only,), organisation, actor)
    membership = (Membership.objects.select_for_update(of=("self",)).select_related("user", "organisation")
                  .filter(organisation=organisation, user_id=user_id).first())
    if membership is None:
        raise NotFound(_("This person is not a member of %(name)s.") % {"name": organisation.name})
    if membership.role == Membership.Role.ADMIN:
        raise ValidationFailed.for_field("is_signatory", _("An administrator always signs for the organisation."))
    if membership.is_signatory == signatory:
        return membership
    membership.is_signatory = signatory
    membership.save(update_fields=["is_signatory"])
    verb = OrganisationEvent.Kind.SIGNATORY_NAMED if signatory else OrganisationEvent.Kind.SIGNATORY_UNNAMED
    member = membership.user
    ORGANISATION.record(organisation, verb, actor=actor,
                        params={"user": member.pk, "name": member.full_name or member.email})
    return membership
