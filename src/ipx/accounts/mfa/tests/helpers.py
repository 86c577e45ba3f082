"""Small pieces for second-factor tests: logging in through the login page, the code of the
key being set up, and a snapshot of a user's second factors."""

from __future__ import annotations

import time
from binascii import unhexlify
from typing import Any

from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ipx.accounts.mfa.state import VERIFIED_AT
from ipx.accounts.mfa.views import PENDING_KEY
from ipx.accounts.models import RecoveryCode, User
from ipx.accounts.sessions.recent import AUTHENTICATED_AT
from ipx.testing.factories import PASSWORD


def logged_in(user: User, client: Client | None = None) -> Client:
    """A client that logged in with ``user``'s password on the login page, as a person does."""
    client = client or Client()
    response = client.post("/accounts/login/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def pending_code(client: Client) -> str:
    """The code an app that scanned the key being set up in ``client``'s session shows now."""
    return f"{totp(unhexlify(client.session[PENDING_KEY])):06d}"


def factors(user: User) -> tuple[Any, ...]:
    """Everything about ``user``'s second factors a refused step must leave alone."""
    return (list(TOTPDevice.objects.filter(user=user).values_list("pk", "confirmed", "key")),
            sorted(RecoveryCode.objects.filter(device__user=user).values_list("digest", flat=True)))


def age_session(client: Client, *, minutes: float, keys: tuple[str, ...] = (AUTHENTICATED_AT, VERIFIED_AT)) -> None:
    """Move the session's moments of authentication ``minutes`` into the past."""
    session = client.session
    for key in keys:
        if key in session:
            session[key] = time.time() - minutes * 60
    session.save()
