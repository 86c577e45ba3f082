"""Writes for members: registration, verification, memberships, invitations, API tokens.

Verification moves on the workflow table in ``accounts.workflow``; its mails are worded in
``accounts.notices`` after commit, in each recipient's language."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc as uscc_number
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

from ipx.accounts import notices
from ipx.accounts.models import (
    ApiToken,
    Invitation,
    Membership,
    Organisation,
    OrganisationEvent,
    User,
)
from ipx.accounts.regions import Province, RegionKind, is_country_code
from ipx.accounts.workflow import ORGANISATION, administrators_only, require
from ipx.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ipx.core.validation import FieldErrors, clean_choice, clean_email, clean_text, clean_url
from ipx.events import publish

LANGUAGES = {"en", "zh-hans", "zh-hant"}
INVITATION_DAYS = 14

# Fields that identify the legal body; once verified, only the operator changes them.
IDENTITY_FIELDS = ("name", "kind", "region_kind", "province", "country", "uscc")


# --- Users -----------------------------------------------------------------------------------

def _clean_user(*, email: object, password: object, full_name: object, preferred_language: object,
                errors: FieldErrors) -> tuple[str, str, str, str]:
    clean_mail = clean_email(email, field="email", errors=errors)
    name = clean_text(full_name, field="full_name", errors=errors, max_length=150, label=_("Full name"))
    language = str(preferred_language or "en")
    if language not in LANGUAGES:
        errors.add("preferred_language", _("Choose English, Simplified or Traditional Chinese."))
    if "email" not in errors.errors and User.objects.filter(email__iexact=clean_mail).exists():
        errors.add("email", _("An account with this e-mail address already exists; log in instead."))
    secret = "" if password is None else str(password)
    try:
        validate_password(secret, User(email=clean_mail, full_name=name))
    except ValidationError as exc:
        errors.add("password", " ".join(exc.messages))
    return clean_mail, secret, name, language


@transaction.atomic
def user_register(*, email: str, password: str, full_name: str, preferred_language: str = "en") -> User:
    errors = FieldErrors()
    clean_mail, secret, name, language = _clean_user(
        email=email, password=password, full_name=full_name, preferred_language=preferred_language,
        errors=errors,
    )
    errors.raise_if_any()
    return User.objects.create_user(clean_mail, secret, full_name=name, preferred_language=language)


# --- Organisations ---------------------------------------------------------------------------

def check_uscc(value: str, *, field: str = "uscc") -> str:
    """A Unified Social Credit Code, checked with python-stdnum (GB 32100-2015)."""
    try:
        return str(uscc_number.validate(value))
    except InvalidLength:
        message = _("A Unified Social Credit Code has 18 characters.")
    except InvalidChecksum:
        message = _("The Unified Social Credit Code's check character is wrong; check for a typing error.")
    except InvalidFormat:
        message = _("The Unified Social Credit Code has characters that are not allowed.")
    except StdnumError:
        message = _("This is not a valid Unified Social Credit Code.")
    raise ValidationFailed.for_field(field, message)


def _clean_organisation(data: dict[str, object], errors: FieldErrors,
                        *, current: Organisation | None = None) -> dict[str, object]:
    cleaned: dict[str, object] = {}
    cleaned["name"] = clean_text(data.get("name"), field="name", errors=errors, max_length=200,
                                 label=_("Name"))
    cleaned["name_en"] = clean_text(data.get("name_en"), field="name_en", errors=errors,
                                    required=False, max_length=200)
    kind = clean_choice(data.get("kind"), Organisation.Kind, field="kind", errors=errors)
    cleaned["kind"] = kind
    region_kind = clean_choice(data.get("region_kind"), RegionKind, field="region_kind", errors=errors)
    cleaned["region_kind"] = region_kind
    province = str(data.get("province") or "").strip()
    country = str(data.get("country") or "").strip().upper()
    city = clean_text(data.get("city"), field="city", errors=errors, required=False, max_length=100)
    if region_kind == RegionKind.MAINLAND:
        if province not in Province.values:
            errors.add("province", _("Choose the province of a mainland organisation."))
        country = ""
    elif region_kind == RegionKind.OVERSEAS:
        if not is_country_code(country):
            errors.add("country", _("Choose the country of an overseas organisation (ISO code such as DE)."))
        province = ""
    else:
        province, country = "", ""
    cleaned.update(province=province, country=country, city=city)

    raw_uscc = str(data.get("uscc") or "").strip().upper().replace(" ", "").replace("-", "")
    uscc: str | None = None
    needs_uscc = region_kind == RegionKind.MAINLAND and kind != Organisation.Kind.INDIVIDUAL
    if raw_uscc and region_kind and region_kind != RegionKind.MAINLAND:
        errors.add("uscc", _("Only mainland organisations have a Unified Social Credit Code; leave it empty."))
    elif raw_uscc:
        try:
            uscc = check_uscc(raw_uscc)
        except ValidationFailed as exc:
            errors.collect(exc)
        else:
            taken = Organisation.objects.filter(uscc=uscc)
            if current is not None:
                taken = taken.exclude(pk=current.pk)
            if taken.exists():
                errors.add("uscc", _("An organisation with this Unified Social Credit Code is already registered."))
    elif needs_uscc:
        errors.add("uscc", _("Mainland organisations must give their Unified Social Credit Code."))
    cleaned["uscc"] = uscc
    cleaned["website"] = clean_url(data.get("website"), field="website", errors=errors)
    cleaned["description"] = clean_text(data.get("description"), field="description", errors=errors,
                                        required=False, max_length=5000)
    return cleaned


@transaction.atomic
def organisation_register(*, user: User, name: str, kind: str, region_kind: str, province: str = "",
                          city: str = "", country: str = "", uscc: str = "", name_en: str = "",
                          website: str = "", description: str = "") -> Organisation:
    """A new organisation, pending verification, with ``user`` as its administrator."""
    errors = FieldErrors()
    cleaned = _clean_organisation(
        {"name": name, "kind": kind, "region_kind": region_kind, "province": province, "city": city,
         "country": country, "uscc": uscc, "name_en": name_en, "website": website, "description": description},
        errors,
    )
    errors.raise_if_any()
    organisation = Organisation.objects.create(**cleaned)
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.ADMIN)
    ORGANISATION.record(organisation, OrganisationEvent.Kind.REGISTERED, actor=user, from_status="")
    return organisation


@transaction.atomic
def registration_submit(*, email: str, password: str, full_name: str, preferred_language: str,
                        organisation: dict[str, str]) -> tuple[User, Organisation]:
    """Sign-up of a new person together with their organisation, all or nothing."""
    errors = FieldErrors()
    clean_mail, secret, name, language = _clean_user(
        email=email, password=password, full_name=full_name, preferred_language=preferred_language,
        errors=errors,
    )
    _clean_organisation(dict(organisation), errors)
    errors.raise_if_any()
    user = User.objects.create_user(clean_mail, secret, full_name=name, preferred_language=language)
    return user, organisation_register(user=user, **organisation)


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
def organisation_update(*, organisation_id: int, actor: User, **fields: object) -> Organisation:
    """Edit an organisation's details. Identity fields of a verified body stay as verified."""
    organisation = ORGANISATION.lock(organisation_id)
    require(administrators_only, organisation, actor)
    unknown = set(fields) - {f.name for f in Organisation._meta.get_fields()}
    if unknown:
        raise ValidationFailed(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    current = {name: getattr(organisation, name) for name in
               ("name", "name_en", "kind", "region_kind", "province", "city", "country", "uscc",
                "website", "description")}
    merged = current | fields
    errors = FieldErrors()
    cleaned = _clean_organisation(merged, errors, current=organisation)
    if organisation.is_verified:
        for name in IDENTITY_FIELDS:
            if cleaned.get(name) != current[name] and name in fields:
                errors.add(name, _("This detail was verified; ask the operator to change it."))
    errors.raise_if_any()
    for name, value in cleaned.items():
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
def invitation_create(*, organisation_id: int, inviter: User, email: str, role: str) -> Invitation:
    organisation = ORGANISATION.lock(organisation_id)
    require(administrators_only, organisation, inviter)
    errors = FieldErrors()
    clean_mail = clean_email(email, field="email", errors=errors)
    clean_role = clean_choice(role, Membership.Role, field="role", errors=errors)
    if clean_mail and Membership.objects.filter(organisation=organisation,
                                                user__email__iexact=clean_mail).exists():
        errors.add("email", _("This person is already a member."))
    errors.raise_if_any()
    invitation = Invitation.objects.create(
        organisation=organisation, email=clean_mail, role=clean_role, invited_by=inviter,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    existing = User.objects.filter(email__iexact=clean_mail).first()
    recipient = existing or User(email=clean_mail, preferred_language=inviter.preferred_language)
    link = f"{settings.IPX_SITE_URL}{reverse('accounts:accept_invitation', args=[invitation.token])}"
    notices.mail([recipient], notices.INVITED, {"name": organisation.name, "link": link, "days": INVITATION_DAYS})
    return invitation


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
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token and its key; the key is not stored and cannot be shown again."""
    errors = FieldErrors()
    clean_name = clean_text(name, field="name", errors=errors, max_length=100, label=_("Name"))
    errors.raise_if_any()
    key = ApiToken.new_key()
    token = ApiToken.objects.create(user=user, name=clean_name, key_hash=ApiToken.hash_key(key))
    return token, key


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> None:
    deleted, _rows = ApiToken.objects.filter(pk=token_id, user=user).delete()
    if not deleted:
        raise NotFound(_("No such token."))
