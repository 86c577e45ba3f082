"""Tests' side of the second factor: an authenticator app for a user, a code it shows, and a
client whose session has passed the second factor.

Whoever the exchange requires a second factor of (staff, operators, members of financial
institutions) is held at the second-factor pages until they pass it, and payouts and
signatures need it passed within minutes (pages) or a code sent along (API). Tests that are
about something else reach their pages through these helpers:

- ``sign_in(client, user)``: ``force_login`` as before, and for whom it is required (or who
  has one), a device and a session that passed it (``operator_client`` and ``Member.client``
  use it): call ``enrol`` or ``otp_header`` before making the client;
- ``fresh_second_factor(client, user)``: a device and a session that passed it just now
  (page payouts and signatures);
- ``otp_header(user)``: ``{"HTTP_X_IPX_OTP": code}`` for the API's payouts and signatures.
"""

from __future__ import annotations

import time

from django.db import OperationalError
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ipx.accounts.mfa.devices import AUTHENTICATOR_NAME, has_second_factor
from ipx.accounts.mfa.policy import second_factor_required
from ipx.accounts.mfa.state import VERIFIED_AT
from ipx.accounts.models import User
from ipx.accounts.sessions.recent import AUTHENTICATED_AT


def enrol(user: User) -> TOTPDevice:
    """The user's authenticator app (set up now if they have none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=True)


def code_of(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code ``device`` shows now (or ``steps_ahead`` time steps from now)."""
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits,
                 drift=device.drift + steps_ahead)
    return f"{value:0{device.digits}d}"


def current_code(user: User) -> str:
    """A code the user's app shows now, accepted as a person's code of a later time window
    would be: the device forgets the last window used and earlier wrong codes, so a test
    may send several in a row."""
    device = enrol(user)
    forget = TOTPDevice.objects.filter(pk=device.pk)
    # A browser test writes this while its live server serves the open pages: on SQLite's
    # shared-memory test database a read of the table by a server thread with a connection of
    # its own (the live streams' threads have one) makes the write fail at once with "table is
    # locked" (shared-cache locks have no busy wait), so the write is tried again.
    for attempt in range(50):
        try:
            forget.update(last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None)
            break
        except OperationalError as error:
            if "locked" not in str(error) or attempt == 49:
                raise
            time.sleep(0.1)
    return code_of(device)


def otp_header(user: User) -> dict[str, str]:
    """The header the API's payouts and signatures need, with a current code."""
    return {"HTTP_X_IPX_OTP": current_code(user)}


def fresh_second_factor(client: Client, user: User) -> Client:
    """``client`` (signed in as ``user``) has passed the second factor just now."""
    device = enrol(user)
    session = client.session
    now = time.time()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[VERIFIED_AT] = now
    session[AUTHENTICATED_AT] = now
    session.save()
    return client


def sign_in(client: Client, user: User) -> Client:
    """``client.force_login(user)``, past the second factor where the user has one or must
    have one (set it up first with ``enrol`` for a user who may go without)."""
    client.force_login(user)
    if second_factor_required(user) or has_second_factor(user):
        fresh_second_factor(client, user)
    return client


def signed_in(user: User) -> Client:
    return sign_in(Client(), user)
