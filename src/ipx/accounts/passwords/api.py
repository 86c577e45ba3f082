"""Passwords and e-mail confirmation in the API (mounted by ``accounts.api``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from ipx.accounts.api_auth import api_user, user_auth
from ipx.accounts.passwords import services
from ipx.accounts.schemas import NewPassword
from ipx.core.api.schemas import ERRORS, ErrorOut
from ipx.core.api.types import InputSchema, rule

router = Router(tags=["members"])


class InfoOut(Schema):
    message: str


class ResetIn(InputSchema):
    email: str = Field(max_length=254)


class PasswordChangeIn(InputSchema):
    current_password: str = Field(max_length=200, json_schema_extra=rule("The signed-in user's password."))
    new_password: NewPassword


class ConfirmationIn(InputSchema):
    token: str = Field(max_length=500, json_schema_extra=rule("The token of a confirmation link the exchange "
                                                              "mailed, within a week."))


@router.post("/auth/password-reset", response={202: InfoOut, **ERRORS},
             summary="Mail a link to choose a new password",
             description="The answer is the same whether an account has the address or not.")
def password_reset(request: HttpRequest, payload: ResetIn) -> Status[Any]:
    services.password_reset_request(email=payload.email, request=request)
    return Status(202, {"message": _("If an account has this address, a link to choose a new password is on its "
                                     "way.")})


@router.post("/auth/email-confirmation", response={200: InfoOut, **ERRORS},
             summary="Confirm an e-mail address with the token of the mailed link",
             openapi_extra={"x-rules": {"invalid_link": "The token is not one the exchange mailed, or it has "
                                                        "expired (a week)."}})
def email_confirm(request: HttpRequest, payload: ConfirmationIn) -> dict[str, str]:
    services.email_confirm(token=payload.token, request=request)
    return {"message": _("Your e-mail address is confirmed.")}


@router.post("/me/email-confirmation", response={202: InfoOut, **ERRORS}, auth=user_auth,
             summary="Mail a new link to confirm the signed-in user's e-mail address")
def email_confirmation_send(request: HttpRequest) -> Status[Any]:
    user = api_user(request)
    services.email_confirmation_send(user=user)
    if user.email_confirmed:
        return Status(202, {"message": _("Your e-mail address is confirmed already.")})
    return Status(202, {"message": _("We sent a new confirmation link to %(email)s.") % {"email": user.email}})


@router.post("/me/password", response={200: InfoOut, 429: ErrorOut, **ERRORS}, auth=user_auth,
             summary="Change the signed-in user's password (the current one is needed)",
             description="Wrong current passwords count as failed sign-ins: after too many, 429 "
                         "(too_many_attempts).")
def password_change(request: HttpRequest, payload: PasswordChangeIn) -> dict[str, str]:
    services.password_change(user=api_user(request), current=payload.current_password, new=payload.new_password,
                             request=request)
    return {"message": _("Your password was changed.")}
