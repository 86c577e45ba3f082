"""A user's recovery codes: a second-factor device holding single-use codes, of which only a
SHA-256 digest is stored. The codes are shown once, when made, and never again.

A plain SHA-256 is the right one-way function here: each code is 80 random bits, so nobody
who reads these tables can find a code from its digest by guessing, and a slow password hash
would only slow down every use of a code for no gain (the same reasoning as for API tokens).
"""

from __future__ import annotations

import hashlib

from django.db import models
from django_otp.models import Device, ThrottlingMixin, TimestampMixin


def recovery_code_digest(code: str) -> str:
    """The digest stored for ``code``, given as the person's code is read (no spaces or hyphens,
    lower case)."""
    return hashlib.sha256(code.encode()).hexdigest()


class RecoveryCodes(TimestampMixin, ThrottlingMixin, Device):
    """The set of a user's unused recovery codes; a code is deleted as it is used. Wrong codes
    slow down the next try as django-otp's throttling does for every device."""

    class Meta:
        app_label = "accounts"

    # The delay doubles from one second with each wrong code, as for the authenticator app.
    def get_throttle_factor(self) -> int:
        return 1

    def verify_token(self, token: str) -> bool:
        """Whether ``token`` (a code as read) is one of the unused codes; if so it is used up."""
        allowed, _details = self.verify_is_allowed()
        if not allowed:
            return False
        match = self.codes.filter(digest=recovery_code_digest(token)).first()
        if match is None:
            self.throttle_increment()
            return False
        match.delete()
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True


class RecoveryCode(models.Model):
    """One unused recovery code, kept as its SHA-256 digest (hex) only."""

    device = models.ForeignKey(RecoveryCodes, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64, db_index=True)

    class Meta:
        app_label = "accounts"

    def __str__(self) -> str:
        return f"{self.device_id}: {self.digest[:8]}…"
