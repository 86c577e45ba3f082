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

from ipx.accounts.mfa.devices import has_second_factor
from ipx.accounts.mfa.policy import second_factor_required
from ipx.accounts.sessions.recent import mark_authenticated

VERIFIED_AT = "ipx_second_factor_at"
# step_pending's answer and whose it is, remembered on the request: the middleware and the
# layout both ask.
_STEP = "_ipx_second_factor_step"


def mark_verified(request: HttpRequest, device: Device) -> None:
    """The session passed ``device`` just now; a new session key, as at any change of privilege."""
    request.session.cycle_key()
    request.__dict__.pop(_STEP, None)
    otp_login(request, device)
    request.session[VERIFIED_AT] = time.time()
    mark_authenticated(request)


def is_verified(request: HttpRequest) -> bool:
    verified = getattr(request.user, "is_verified", None)
    return bool(verified()) if callable(verified) else False


def step_pending(request: HttpRequest) -> str | None:
    """The second-factor step a signed-in session must take before anything else: "verify"
    (its owner has an authenticator app), "enrol" (the exchange requires one they have not
    set up), or None (passed, or not needed)."""
    user = request.user
    remembered = request.__dict__.get(_STEP)
    # Remembered for this request's user (a registration logs one in half-way).
    if remembered is not None and remembered[0] == user.pk:
        step: str | None = remembered[1]
        return step
    if not user.is_authenticated or is_verified(request):
        step = None
    elif has_second_factor(user):
        step = "verify"
    elif second_factor_required(user):
        step = "enrol"
    else:
        step = None
    request.__dict__[_STEP] = (user.pk, step)
    return step


def verified_within(request: HttpRequest, minutes: int) -> bool:
    """Passed the second factor in this session within the last ``minutes``."""
    moment = request.session.get(VERIFIED_AT)
    return (is_verified(request) and isinstance(moment, int | float)
            and 0 <= time.time() - moment <= minutes * 60)


def forget(request: HttpRequest) -> None:
    """The session no longer counts as verified (its devices were removed)."""
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session.pop(VERIFIED_AT, None)
    request.__dict__.pop(_STEP, None)
    if hasattr(request.user, "otp_device"):
        request.user.otp_device = None
