from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ipx.accounts.models import Organisation, User
from ipx.core.notices import render, words_for


class Notification(models.Model):
    """One message in a user's in-app inbox; the same text also goes out by e-mail.

    What happened is stored as ``verb`` + ``params``; the title and body are put into words
    when read, in the recipient's language (the wording lives in each app's ``notices.py``).
    Rows from before ``params`` keep the text they were written with.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="+", verbose_name=_("organisation"))
    # A stable name for what happened ("offer.received", "deal.signed"), for filters and tests.
    verb = models.CharField(_("event"), max_length=40)
    params = models.JSONField(null=True, blank=True)
    stored_title = models.CharField(_("title"), max_length=200, blank=True, db_column="title")
    stored_body = models.TextField(_("text"), blank=True, db_column="body")
    url = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.verb}"

    @property
    def language(self) -> str:
        """The language its words are put into: the recipient's ("" for a row from before
        params, or of a verb no longer worded, whose stored words may be in any)."""
        if self.params is None or words_for(self.verb) is None:
            return ""
        return str(self.user.preferred_language or settings.LANGUAGE_CODE)

    def _words(self) -> tuple[str, str]:
        if self.params is None or not self.language:
            # Rows from before params, or of a verb no longer worded: what was stored.
            return self.stored_title or self.verb, self.stored_body
        cached: tuple[str, str] | None = getattr(self, "_rendered", None)
        if cached is None:
            with translation.override(self.language):
                cached = render(self.verb, self.params)
            self._rendered = cached
        return cached

    @property
    def title(self) -> str:
        return self._words()[0][:200]

    @property
    def body(self) -> str:
        return self._words()[1]
