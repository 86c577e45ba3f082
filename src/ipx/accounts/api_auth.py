"""API authentication: a bearer token (``Authorization: Bearer ipx_…``) or the session
cookie of a signed-in page user (with the CSRF check for writes), and the signed-in user of
a request as the ``User`` it is.

A token is refused with 401 ``token_expired`` once it has expired, and with 403
``scope_required`` when it lacks the scope the request needs (``ipx.accounts.api_scopes``).
A page session is not limited by scopes: its writes carry the CSRF token of a page.

It lives in accounts, the lowest domain app, so that every app's api.py can import it
downwards; the /api/v1 router (``ipx.api``) only mounts the apps' routers.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer

from ipx.accounts.api_scopes import scope_needed
from ipx.accounts.models import ApiToken, User
from ipx.accounts.tokens import api_token_for_key
from ipx.core.errors import NotAuthenticated, PermissionDenied


class AuthenticatedRequest(HttpRequest):
    """A request whose user has signed in (pages behind ``login_required``, API endpoints
    behind ``user_auth``): annotate views with it instead of ignoring the type of ``user``."""

    user: User


def api_user(request: HttpRequest) -> User:
    """The signed-in user of a request, or 401 with the one error shape."""
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        raise NotAuthenticated(_("Log in or send an API token."))
    return user


def api_operator(request: HttpRequest) -> User:
    """The signed-in operator of a request, or 401 / 403."""
    user = api_user(request)
    if not user.is_operator:
        raise PermissionDenied(_("Only operators may do this."))
    return user


def api_token_of(request: HttpRequest) -> ApiToken | None:
    """The token a request was signed with; None for a page session."""
    token = getattr(request, "api_token", None)
    return token if isinstance(token, ApiToken) else None


def _lacks_scope(needed: str) -> PermissionDenied:
    return PermissionDenied(_("This API token lacks the “%(scope)s” scope that this request needs.")
                            % {"scope": needed}, code="scope_required")


def require_scope(request: HttpRequest, needed: str) -> None:
    """Refuse a token-signed request without ``needed`` as the authentication refuses one (403
    ``scope_required``), for a scope that depends on what the body asks (``api_scopes``). A page
    session is not limited by scopes."""
    token = api_token_of(request)
    if token is not None and not token.has_scope(needed):
        raise _lacks_scope(needed)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = api_token_for_key(token)
        if found is None:
            return None
        if found.is_expired:
            raise NotAuthenticated(_("This API token has expired."), code="token_expired")
        needed = scope_needed(request)
        if not found.has_scope(needed):
            raise _lacks_scope(needed)
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


class SessionAuth(APIKeyCookie):
    """The signed-in page user; ninja checks the CSRF token on unsafe methods."""

    param_name = "sessionid"

    def __call__(self, request: HttpRequest) -> Any:
        # A cookie that signs nobody in is no credential: the request is anonymous (401), and
        # the CSRF check (403) is for sessions that would act for someone.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


class Anonymous:
    """The last authentication of a public endpoint: a request without credentials (or with a
    key nobody holds) goes on as anonymous. The OpenAPI document lists it as the empty security
    requirement ``{}`` (``ipx.api.document``), so clients know credentials are optional there."""

    def __call__(self, request: HttpRequest) -> Any:
        return True


token_auth = TokenAuth()
session_auth = SessionAuth()
# Endpoints that need a user accept either.
user_auth = [token_auth, session_auth]
# Public endpoints that show more to a signed-in user (allowed actions, their own drafts) take
# either, and answer anonymous requests too.
optional_auth = [token_auth, session_auth, Anonymous()]
