"""Members in the API: sign-up, tokens, organisations, verification, invitations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from ipx.accounts import selectors, services
from ipx.accounts.api_auth import api_user, optional_auth, user_auth
from ipx.accounts.inputs import InvitationInput, OrganisationInput, OrganisationValues, TokenInput, UserInput
from ipx.accounts.models import Membership, Organisation, User
from ipx.accounts.workflow import ORGANISATION
from ipx.core.api.schemas import ERRORS, Id, Page, page_of
from ipx.core.errors import NotAuthenticated, PermissionDenied

router = Router(tags=["members"])


class UserIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=200)
    full_name: str = Field(max_length=150)
    preferred_language: str = "en"


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
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_memberships(obj: User) -> list[Membership]:
        return list(selectors.memberships_of(obj))


class TokenIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=200)
    name: str = Field("api", max_length=100)


class TokenOut(Schema):
    id: int
    name: str
    key: str


class OrganisationIn(Schema):
    name: str = Field(max_length=200)
    kind: str
    region_kind: str
    province: str = ""
    city: str = Field("", max_length=100)
    country: str = ""
    uscc: str = ""
    name_en: str = Field("", max_length=200)
    website: str = Field("", max_length=200)
    description: str = Field("", max_length=5000)


class OrganisationPatch(Schema):
    name: str | None = Field(None, max_length=200)
    kind: str | None = None
    region_kind: str | None = None
    province: str | None = None
    city: str | None = Field(None, max_length=100)
    country: str | None = None
    uscc: str | None = None
    name_en: str | None = Field(None, max_length=200)
    website: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)


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


class ReasonIn(Schema):
    reason: str = Field(max_length=2000)


class InvitationIn(Schema):
    email: str = Field(max_length=254)
    role: str = Membership.Role.MEMBER


class InvitationOut(Schema):
    id: int
    organisation_id: int
    email: str
    role: str
    expires_at: datetime


@router.post("/users", response={201: UserOut, **ERRORS}, summary="Create an account")
def create_user(request: HttpRequest, payload: UserIn) -> Status[Any]:
    return Status(201, services.user_register(account=UserInput.parse(**payload.dict())))


@router.post("/auth/token", response={201: TokenOut, **ERRORS}, summary="Get an API token with e-mail and password")
def create_token(request: HttpRequest, payload: TokenIn) -> Status[Any]:
    user = authenticate(request, username=payload.email.strip().lower(), password=payload.password)
    if user is None:
        raise NotAuthenticated(_("The e-mail address or password is wrong."))
    token, key = services.api_token_create(user=user, token=TokenInput.parse(name=payload.name))
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
def organisation_reject(request: HttpRequest, organisation_id: Id, payload: ReasonIn) -> Organisation:
    return services.organisation_reject(organisation_id=organisation_id, operator=api_user(request),
                                        reason=payload.reason)


@router.post("/organisations/{organisation_id}/invitations", response={201: InvitationOut, **ERRORS},
             auth=user_auth, summary="Invite a person to the organisation (its administrators)")
def invite(request: HttpRequest, organisation_id: Id, payload: InvitationIn) -> Status[Any]:
    invitation = InvitationInput.parse(email=payload.email, role=payload.role)
    return Status(201, services.invitation_create(organisation_id=organisation_id, inviter=api_user(request),
                                                  invitation=invitation))


@router.post("/invitations/{token}/accept", response={200: MembershipOut, **ERRORS}, auth=user_auth,
             summary="Accept an invitation")
def accept_invitation(request: HttpRequest, token: str) -> Membership:
    return services.invitation_accept(token=token[:64], user=api_user(request))
