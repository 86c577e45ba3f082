"""A member's API tokens in the API: list them (with their scopes, expiry and last use), make
one (its key is in this answer only) and revoke one. ``POST /auth/token`` (a token for an
e-mail address and password) lives with the log-in in ``accounts.api``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from ipx.accounts import tokens
from ipx.accounts.api_auth import api_token_of, api_user, user_auth
from ipx.accounts.models import API_TOKEN_DEFAULT_DAYS, API_TOKEN_MAX_DAYS, ApiToken
from ipx.core.api.schemas import ERRORS, Id, Page, page_of
from ipx.core.api.types import InputSchema, rule, stated, text

router = Router(tags=["members"])

ScopeName = Literal["read", "write", "money"]


def _default_scopes() -> list[ScopeName]:
    return ["read", "write"]  # tokens.DEFAULT_SCOPES, spelt as the schema's type


class ApiTokenIn(InputSchema):
    name: Annotated[str, Field(min_length=1, max_length=100), stated(text(100))] = "api"
    scopes: list[ScopeName] = Field(default_factory=_default_scopes, min_length=1, max_length=3,
                                    description="read: GET, HEAD, OPTIONS; write: other methods; money: the "
                                                "endpoints that move money or bind the organisation.")
    expires_in_days: int = Field(API_TOKEN_DEFAULT_DAYS, ge=1, le=API_TOKEN_MAX_DAYS, json_schema_extra=rule(
        "A token made with a token expires no later than that token, and has none of the scopes it lacks."))


class ApiTokenOut(Schema):
    id: int
    name: str
    scopes: list[ScopeName]
    created_at: datetime
    expires_at: datetime
    expired: bool
    last_used_at: datetime | None

    @staticmethod
    def resolve_expired(obj: ApiToken) -> bool:
        return obj.is_expired


class ApiTokenCreatedOut(ApiTokenOut):
    key: str = Field(description="The token itself: send it as `Authorization: Bearer <key>`. Shown only here.")


@router.get("/auth/tokens", response={200: Page[ApiTokenOut], **ERRORS}, auth=user_auth,
            summary="My API tokens, the newest first")
def token_list(request: HttpRequest, page: int = 1, size: int = 20) -> dict[str, Any]:
    return page_of(tokens.tokens_of(api_user(request)), page, size)


@router.post("/auth/tokens", response={201: ApiTokenCreatedOut, **ERRORS}, auth=user_auth,
             summary="Make an API token (its key is shown once, in this answer)",
             description="A request signed with a token makes tokens with none of the scopes that token lacks, "
                         "expiring no later than it.")
def token_create(request: HttpRequest, payload: ApiTokenIn) -> Status[Any]:
    token, key = tokens.api_token_create(
        user=api_user(request), made_with=api_token_of(request),
        token=tokens.TokenInput.parse(name=payload.name, scopes=payload.scopes,
                                      expires_in_days=payload.expires_in_days))
    # The key travels with the row for this one answer; it is stored nowhere.
    setattr(token, "key", key)  # noqa: B010 - ApiToken has no such field
    return Status(201, token)


@router.delete("/auth/tokens/{token_id}", response={204: None, **ERRORS}, auth=user_auth,
               summary="Revoke one of my API tokens (its key is refused from then on)")
def token_revoke(request: HttpRequest, token_id: Id) -> Status[Any]:
    tokens.api_token_revoke(user=api_user(request), token_id=token_id)
    return Status(204, None)
