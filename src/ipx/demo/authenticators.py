"""The demo's authenticator apps.

The exchange holds staff and members of financial institutions at the second-factor step
after their password, and asks everyone for a code before payouts and signatures. So that
the demo can be tried without a phone, the demo logins that must have a second factor get an
authenticator app with one published key (``ipx demo`` prints it; any TOTP app takes it),
and ``ipx demo-code EMAIL`` prints the code such an app would show now. Other demo logins
set one up on the page when they first sign or pay out, as a real member would.
"""

from __future__ import annotations

import base64

from django.db.models import Q
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ipx.accounts.mfa.devices import AUTHENTICATOR_NAME
from ipx.accounts.models import Organisation, User
from ipx.demo.people import DOMAIN

# 20 published bytes: a key everyone trying the demo may know, never used outside it.
DEMO_KEY = b"ipx-demo-authn-2026!"


def demo_key_base32() -> str:
    """The key as authenticator apps take it when typed in."""
    return base64.b32encode(DEMO_KEY).decode()


def give_authenticators() -> list[User]:
    """An authenticator app with the demo key for each demo login that must have one."""
    required = (User.objects.filter(email__endswith=f"@{DOMAIN}")
                .filter(Q(is_staff=True) | Q(memberships__organisation__kind=Organisation.Kind.FINANCIAL))
                .distinct().order_by("email"))
    users = list(required)
    for user in users:
        TOTPDevice.objects.get_or_create(user=user, name=AUTHENTICATOR_NAME,
                                         defaults={"key": DEMO_KEY.hex(), "confirmed": True})
    return users


def current_code(user: User) -> str | None:
    """The code the user's demo authenticator app shows now (None: the user has none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True, key=DEMO_KEY.hex()).first()
    if device is None:
        return None
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{value:0{device.digits}d}"
