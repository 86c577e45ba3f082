"""API authentication: a bearer token (``Authorization: Bearer ipx_…``) or the session
cookie of a signed-in page user (with the CSRF check for writes)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from ipx.accounts.selectors import user_for_api_key


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_api_key(token)
        if user is None:
            return None
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in page user; ninja checks the CSRF token on unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


class OptionalAuth(TokenAuth):
    """For public endpoints that show more to a signed-in user: never refuses."""

    def __call__(self, request: HttpRequest) -> Any:
        if request.headers.get("Authorization", "").startswith("Bearer "):
            result = super().__call__(request)
            if result:
                return result
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else True


token_auth = TokenAuth()
session_auth = SessionAuth()
# Endpoints that need a user accept either.
user_auth = [token_auth, session_auth]
optional_auth = OptionalAuth()
