"""Members in the API: sign-up, tokens, organisations, verification, invitations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Self

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field, model_validator

from ipx.accounts import selectors, services, tokens
from ipx.accounts.api_auth import api_user, optional_auth, require_scope, user_auth
from ipx.accounts.api_scopes import scope_for_role
from ipx.accounts.inputs import InvitationInput, OrganisationInput, OrganisationValues, UserInput
from ipx.accounts.mfa.stepup import StepUpCode, require_second_factor_with_password
from ipx.accounts.models import Membership, Organisation, User
from ipx.accounts.passwords.api import router as passwords_router
from ipx.accounts.regions import RegionKind
from ipx.accounts.schemas import (
    WEB_ADDRESS,
    Email,
    Language,
    NewPassword,
    OrganisationKind,
    Region,
    check_region_as_given,
    country_code,
    province_code,
    uscc_code,
)
from ipx.accounts.security import lockout
from ipx.accounts.workflow import ORGANISATION
from ipx.core.api.schemas import ERRORS, ErrorOut, Id, Page, page_of
from ipx.core.api.types import InputSchema, choice, rule, stated, text
from ipx.core.errors import NotAuthenticated, PermissionDenied
from ipx.core.validation import FieldErrors

router = Router(tags=["members"])
# Passwords and e-mail confirmation: /auth/password-reset, /auth/email-confirmation, /me/…
router.add_router("", passwords_router)


class UserIn(InputSchema):
    email: Email
    password: NewPassword
    full_name: Annotated[str, Field(max_length=150), stated(text(150))]
    preferred_language: Language = "en"


class MembershipOut(Schema):
    organisation_id: int
    organisation_name: str
    role: str

    @staticmethod
    def resolve_organisation_name(obj: Membership) -> str:
        return obj.organisation.name


class UserOut(Schema):
    id: int
    email: str
    full_name: str
    preferred_language: str
    is_operator: bool
    email_confirmed: bool
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_memberships(obj: User) -> list[Membership]:
        return list(selectors.memberships_of(obj))


class SignUpOut(Schema):
    """What was asked for; an account's id is not shown, as it would tell a new address from
    one that has an account already."""

    email: str
    full_name: str
    preferred_language: str
    is_operator: bool = False
    memberships: list[MembershipOut] = []


class TokenIn(InputSchema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=200)
    name: Annotated[str, Field(max_length=100), stated(text(100))] = "api"


class TokenOut(Schema):
    id: int
    name: str
    key: str


class OrganisationIn(InputSchema):
    name: Annotated[str, Field(max_length=200), stated(text(200))]
    kind: OrganisationKind
    region_kind: Region
    province: Annotated[str, stated(province_code())] = ""
    city: Annotated[str, Field(max_length=100), stated(text(100, required=False))] = ""
    country: Annotated[str, stated(country_code())] = ""
    uscc: Annotated[str, stated(uscc_code())] = ""
    name_en: Annotated[str, Field(max_length=200), stated(text(200, required=False))] = ""
    website: Annotated[str, Field(max_length=200), stated(WEB_ADDRESS)] = ""
    description: Annotated[str, Field(max_length=5000), stated(text(5000, required=False))] = ""

    @model_validator(mode="after")
    def _region_as_given(self) -> Self:
        errors = FieldErrors()
        check_region_as_given(
            province=self.province, country=self.country, errors=errors,
            province_message=_("Choose the province of a mainland organisation."),
            country_message=_("Choose the country of an overseas organisation (ISO code such as DE)."))
        errors.raise_if_any()
        return self


VERIFIED = "Once the organisation is verified, only the operator changes it."


class OrganisationPatch(InputSchema):
    """The fields to change; a field left out keeps its value (null empties an optional one)."""

    name: Annotated[str | None, Field(max_length=200), stated(text(200, rule=VERIFIED))] = None
    kind: Annotated[str | None, stated(choice(Organisation.Kind, rule=VERIFIED))] = None
    region_kind: Annotated[str | None, stated(choice(RegionKind, rule=VERIFIED))] = None
    province: Annotated[str | None, stated(province_code(VERIFIED), null=True)] = None
    city: Annotated[str | None, Field(max_length=100), stated(text(100, required=False), null=True)] = None
    country: Annotated[str | None, stated(country_code(VERIFIED), null=True)] = None
    uscc: Annotated[str | None, stated(uscc_code(VERIFIED), null=True)] = None
    name_en: Annotated[str | None, Field(max_length=200), stated(text(200, required=False), null=True)] = None
    website: Annotated[str | None, Field(max_length=200), stated(WEB_ADDRESS, null=True)] = None
    description: Annotated[str | None, Field(max_length=5000), stated(text(5000, required=False), null=True)] = None

    @model_validator(mode="after")
    def _region_as_given(self) -> Self:
        errors = FieldErrors()
        check_region_as_given(
            province=self.province, country=self.country, errors=errors,
            province_message=_("Choose the province of a mainland organisation."),
            country_message=_("Choose the country of an overseas organisation (ISO code such as DE)."))
        errors.raise_if_any()
        return self


class OrganisationOut(Schema):
    id: int
    name: str
    name_en: str
    kind: str
    region_kind: str
    province: str
    city: str
    country: str
    region: str
    uscc: str | None
    website: str
    description: str
    status: str
    rejection_reason: str
    verified_at: datetime | None
    # What the requesting user may do with it now (verify, reject, resubmit): the same
    # table the services follow.
    allowed_actions: list[str]

    @staticmethod
    def resolve_region(obj: Organisation) -> str:
        return obj.region_code

    @staticmethod
    def resolve_allowed_actions(obj: Organisation, context: dict[str, Any]) -> list[str]:
        request = context.get("request") if context else None
        return ORGANISATION.allowed_actions(obj, getattr(request, "user", None))


class RejectionIn(InputSchema):
    reason: Annotated[str, Field(max_length=2000), stated(text(2000))]


class InvitationIn(InputSchema):
    email: Email
    role: Annotated[str, stated(choice(Membership.Role))] = Membership.Role.MEMBER


class InvitationOut(Schema):
    id: int
    organisation_id: int
    email: str
    role: str
    expires_at: datetime


@router.post("/users", response={201: SignUpOut, **ERRORS}, summary="Create an account",
             description="The answer is the same whether the address is new (the account is made and a link to "
                         "confirm the address is mailed) or has an account already (its owner is told by mail), "
                         "so that it does not tell who has an account.")
def create_user(request: HttpRequest, payload: UserIn) -> Status[Any]:
    account = UserInput.parse(**payload.dict())
    services.user_sign_up(account=account)
    return Status(201, account)


@router.post("/auth/token", response={201: TokenOut, 429: ErrorOut, **ERRORS},
             summary="Get an API token with e-mail and password",
             description="After 5 failed attempts for an account from one address within 15 minutes, the next "
                         "answers 429 (too_many_attempts) until that time has passed. Whoever has an "
                         "authenticator app (required of staff and financial institutions) sends a current "
                         "code in X-IPX-OTP.")
def create_token(request: HttpRequest, payload: TokenIn, otp: StepUpCode = None) -> Status[Any]:
    user = authenticate(request, username=payload.email.strip().lower(), password=payload.password)
    if user is None and lockout.refused(request):
        raise lockout.TooManyAttempts(lockout.lockout_message())
    if user is None:
        # One message for an unknown address and a wrong password.
        raise NotAuthenticated(_("The e-mail address or password is wrong."))
    # A password alone must not be a way around the second factor.
    require_second_factor_with_password(user, otp)
    token, key = tokens.api_token_create(user=user, token=tokens.TokenInput.parse(name=payload.name))
    return Status(201, {"id": token.pk, "name": token.name, "key": key})


@router.get("/me", response={200: UserOut, **ERRORS}, auth=user_auth, summary="Who am I")
def me(request: HttpRequest) -> User:
    return api_user(request)


@router.post("/organisations", response={201: OrganisationOut, **ERRORS}, auth=user_auth,
             summary="Register an organisation (pending verification)")
def register_organisation(request: HttpRequest, payload: OrganisationIn) -> Status[Any]:
    organisation = OrganisationInput.parse(OrganisationValues.read(payload.dict()))
    return Status(201, services.organisation_register(user=api_user(request), organisation=organisation))


@router.get("/organisations", response={200: Page[OrganisationOut], **ERRORS}, auth=user_auth,
            summary="Organisations awaiting verification (operators)")
def verification_queue(request: HttpRequest, page: int = 1, size: int = 20) -> dict[str, Any]:
    if not api_user(request).is_operator:
        raise PermissionDenied(_("Only operators may see the verification queue."))
    return page_of(selectors.organisations_awaiting_verification(), page, size)


@router.get("/organisations/{organisation_id}", response={200: OrganisationOut, **ERRORS}, auth=optional_auth,
            summary="An organisation's profile (a rejected one only to its members and the operators)")
def organisation_detail(request: HttpRequest, organisation_id: Id) -> Organisation:
    return selectors.organisation_visible(request.user, organisation_id)


@router.patch("/organisations/{organisation_id}", response={200: OrganisationOut, **ERRORS}, auth=user_auth,
              summary="Edit an organisation (its administrators)")
def organisation_update(request: HttpRequest, organisation_id: Id, payload: OrganisationPatch) -> Organisation:
    return services.organisation_update(organisation_id=organisation_id, actor=api_user(request),
                                        changes=OrganisationValues.read(payload.dict(exclude_unset=True)))


@router.post("/organisations/{organisation_id}/resubmit", response={200: OrganisationOut, **ERRORS},
             auth=user_auth, summary="Ask for verification again after a rejection")
def organisation_resubmit(request: HttpRequest, organisation_id: Id) -> Organisation:
    return services.organisation_resubmit(organisation_id=organisation_id, actor=api_user(request))


@router.post("/organisations/{organisation_id}/verify", response={200: OrganisationOut, **ERRORS},
             auth=user_auth, summary="Verify an organisation (operators)")
def organisation_verify(request: HttpRequest, organisation_id: Id) -> Organisation:
    return services.organisation_verify(organisation_id=organisation_id, operator=api_user(request))


@router.post("/organisations/{organisation_id}/reject", response={200: OrganisationOut, **ERRORS},
             auth=user_auth, summary="Reject an organisation with a reason (operators)")
def organisation_reject(request: HttpRequest, organisation_id: Id, payload: RejectionIn) -> Organisation:
    return services.organisation_reject(organisation_id=organisation_id, operator=api_user(request),
                                        reason=payload.reason)


@router.post("/organisations/{organisation_id}/invitations", response={201: InvitationOut, **ERRORS},
             auth=user_auth, summary="Invite a person to the organisation (its administrators)",
             description="Inviting an administrator (who signs for the organisation and names its signatories) "
                         "needs what naming a signatory needs: by token, the `money` scope (else 403 "
                         "`scope_required`, and no invitation is made).")
def invite(request: HttpRequest, organisation_id: Id, payload: InvitationIn) -> Status[Any]:
    invitation = InvitationInput.parse(email=payload.email, role=payload.role)
    # Asked before the service, so that a refused token makes nothing and mails nobody.
    require_scope(request, scope_for_role(invitation.role))
    return Status(201, services.invitation_create(organisation_id=organisation_id, inviter=api_user(request),
                                                  invitation=invitation))


@router.post("/invitations/{token}/accept", response={200: MembershipOut, **ERRORS}, auth=user_auth,
             summary="Accept an invitation")
def accept_invitation(request: HttpRequest, token: str) -> Membership:
    return services.invitation_accept(token=token[:64], user=api_user(request))


# --- Members and signatories -----------------------------------------------------------------

class MemberOut(Schema):
    user_id: int
    full_name: str
    email: str
    role: str
    is_signatory: bool = Field(description="Named a signatory by an administrator.")
    email_confirmed: bool
    binds: bool = Field(description="May bind the organisation now (accept, sign, cancel, move money): an "
                                    "administrator or a named signatory whose e-mail address is confirmed.")

    @staticmethod
    def resolve_full_name(obj: Membership) -> str:
        return obj.user.full_name

    @staticmethod
    def resolve_email(obj: Membership) -> str:
        return obj.user.email

    @staticmethod
    def resolve_email_confirmed(obj: Membership) -> bool:
        return obj.user.email_confirmed


class SignatoryIn(InputSchema):
    is_signatory: bool = Field(json_schema_extra=rule("An administrator always signs: it cannot be withdrawn "
                                                      "from one."))


@router.get("/organisations/{organisation_id}/members", response={200: list[MemberOut], **ERRORS},
            auth=user_auth, summary="An organisation's members and who may sign for it (its members, operators)")
def organisation_members(request: HttpRequest, organisation_id: Id) -> list[Membership]:
    return list(selectors.organisation_members(api_user(request), organisation_id))


@router.patch("/organisations/{organisation_id}/members/{user_id}", response={200: MemberOut, **ERRORS},
              auth=user_auth, summary="Name a member a signatory, or withdraw it (its administrators)")
def organisation_member_update(request: HttpRequest, organisation_id: Id, user_id: Id,
                               payload: SignatoryIn) -> Membership:
    return services.membership_signatory(organisation_id=organisation_id, user_id=user_id,
                                         actor=api_user(request), signatory=payload.is_signatory)
