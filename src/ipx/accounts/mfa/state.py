"""Whether this session passed the second factor, and when it last did.

django-otp keeps the device that verified the session (``OTPMiddleware`` sets
``request.user.otp_device``); the moment is ours, for step-up.
"""

from __future__ import annotations

import time

from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.models import Device

from ipx.accounts.sessions.recent import mark_authenticated

VERIFIED_AT = "ipx_second_factor_at"


def mark_verified(request: HttpRequest, device: Device) -> None:
    """The session passed ``device`` just now; a new session key, as at any change of privilege."""
    request.session.cycle_key()
    otp_login(request, device)
    request.session[VERIFIED_AT] = time.time()
    mark_authenticated(request)


def is_verified(request: HttpRequest) -> bool:
    verified = getattr(request.user, "is_verified", None)
    return bool(verified()) if callable(verified) else False


def verified_within(request: HttpRequest, minutes: int) -> bool:
    """Passed the second factor in this session within the last ``minutes``."""
    moment = request.session.get(VERIFIED_AT)
    return (is_verified(request) and isinstance(moment, int | float)
            and 0 <= time.time() - moment <= minutes * 60)


def forget(request: HttpRequest) -> None:
    """The session no longer counts as verified (its devices were removed)."""
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session.pop(VERIFIED_AT, None)
    if hasattr(request.user, "otp_device"):
        request.user.otp_device = None
