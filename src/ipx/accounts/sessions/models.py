"""A row per signed-in session, so that its owner sees where they are signed in and can end
it. The session itself (Django's) holds the row's id; ending the row ends the session at
its next request, whichever session engine keeps it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserSession(models.Model):
    class End(models.TextChoices):
        LOGOUT = "logout", _("Logged out")
        REVOKED = "revoked", _("Ended by its owner")
        IDLE = "idle", _("Timed out without activity")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions")
    user_agent = models.CharField(_("browser or program"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("signed in"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(_("how it ended"), max_length=10, choices=End.choices, blank=True)

    class Meta:
        app_label = "accounts"
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")
        indexes = [models.Index(fields=["user", "ended_at"], name="user_session_open")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.user_agent[:40]}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None
