"""A user's second factors: the authenticator app (one confirmed TOTP device) and the
recovery codes (one device of single-use codes, kept as digests only). Writes are
keyword-only services."""

from __future__ import annotations

import logging
import secrets
import time
from base64 import b32encode
from binascii import unhexlify
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from ipx.accounts.mfa.recovery import recovery_code_digest
from ipx.accounts.models import RecoveryCode, RecoveryCodes, User
from ipx.core.errors import Conflict, ValidationFailed
from ipx.core.prepared import PreparedQuery

logger = logging.getLogger("ipx.security")

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10
# 16 base32 characters (80 bits): too many to guess, few enough to type.
_RECOVERY_BYTES = 10
# What an authenticator app shows; anything else typed is read as a recovery code.
_TOTP_DIGITS = 6


def authenticator_of(user: User) -> TOTPDevice | None:
    device: TOTPDevice | None = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return device


# Asked on every signed-in request: compiled once (ipx.core.prepared).
_CONFIRMED_AUTHENTICATOR = PreparedQuery(lambda p: TOTPDevice.objects.filter(
    user_id=p.int("user"), confirmed=True).order_by().values_list("pk")[:1])


def has_second_factor(user: Any) -> bool:
    """Whether ``user`` has set up an authenticator app (recovery codes come with it)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(_CONFIRMED_AUTHENTICATOR.rows(user=user.pk))


def recovery_codes_left(user: User) -> int:
    return int(RecoveryCode.objects.filter(device__user=user, device__confirmed=True).count())


# --- Setting up --------------------------------------------------------------------------------

def new_secret() -> str:
    """A fresh authenticator key (hex, as django-otp stores it); kept in the session until the
    person proves with a code that their app holds it."""
    return str(random_hex(20))


def secret_for_typing(key: str) -> str:
    """The key as an app's "enter a setup key" box takes it: base32, in groups of four."""
    text = b32encode(unhexlify(key)).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def provisioning_uri(user: User, key: str) -> str:
    """The otpauth:// address the QR code carries (label and issuer as django-otp writes them)."""
    return str(TOTPDevice(user=user, key=key).config_url)


def _read_code(code: object) -> str:
    return "".join(str(code or "").split()).replace("-", "").lower()


@transaction.atomic
def authenticator_enrol(*, user: User, key: str, code: object) -> tuple[TOTPDevice, list[str]]:
    """Keep the authenticator app whose ``key`` produced ``code``; a fresh set of recovery
    codes comes with it (returned once, to be shown once)."""
    if has_second_factor(user):
        raise Conflict(_("An authenticator app is already set up."), code="already_enrolled")
    typed = _read_code(code)
    totp = TOTP(unhexlify(key), step=30, t0=0, digits=_TOTP_DIGITS, drift=0)
    totp.time = time.time()
    if not (typed.isascii() and typed.isdigit() and len(typed) == _TOTP_DIGITS and totp.verify(int(typed), 1)):
        raise ValidationFailed.for_field("code", _("That is not the code your app shows now; try the next one."))
    # The code just used is spent: the next login or step-up needs a later one.
    device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, key=key, confirmed=True,
                                       last_t=totp.t(), last_used_at=timezone.now())
    codes = recovery_codes_replace(user=user)
    logger.info("second factor enrolled", extra={"user_id": user.pk})
    return device, codes


@transaction.atomic
def recovery_codes_replace(*, user: User) -> list[str]:
    """Ten new single-use recovery codes, returned to be shown once; only their digests are
    kept. The old ones stop working."""
    RecoveryCodes.objects.filter(user=user).delete()
    device = RecoveryCodes.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [b32encode(secrets.token_bytes(_RECOVERY_BYTES)).decode().lower()
             for _n in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(RecoveryCode(device=device, digest=recovery_code_digest(token))
                                     for token in codes)
    return ["-".join(token[i:i + 4] for i in range(0, len(token), 4)) for token in codes]


# --- Using one ---------------------------------------------------------------------------------

def second_factor_verify(*, user: User, code: object) -> Device:
    """The device that accepts ``code`` (an app's current code, or a recovery code, which is
    then used up), or a refusal on the ``code`` field. Wrong codes slow the next try down
    (django-otp's doubling delay), and an app code is accepted once only."""
    typed = _read_code(code)
    is_app_code = len(typed) == _TOTP_DIGITS and typed.isascii() and typed.isdigit()
    model: type[Device] = TOTPDevice if is_app_code else RecoveryCodes
    # The device row is locked so that two requests cannot both spend one code; the record of
    # a wrong code is committed with the block, before the refusal is raised.
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            accepted, wait = False, 0
        else:
            allowed, details = device.verify_is_allowed()
            if allowed:
                accepted, wait = bool(device.verify_token(typed)), 0
            else:
                locked_until = (details or {}).get("locked_until")
                wait = max(1, int((locked_until - timezone.now()).total_seconds()) + 1) if locked_until else 1
                accepted = False
    if device is not None and accepted:
        return device
    logger.info("second factor refused", extra={"user_id": user.pk})
    if wait:
        raise ValidationFailed.for_field("code", _("Too many wrong codes: wait %(seconds)d seconds and try again.")
                                         % {"seconds": wait}, code="throttled")
    raise ValidationFailed.for_field("code", _("The code is wrong or was already used."))


def second_factor_disable(*, user: User, code: object) -> None:
    """Remove the authenticator app and the recovery codes, proven with a current code."""
    second_factor_verify(user=user, code=code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCodes.objects.filter(user=user).delete()
    logger.info("second factor disabled", extra={"user_id": user.pk})
