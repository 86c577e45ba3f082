"""What live pages are told, kept in the database: the database is the source of truth, so an
update reaches every app server that shares it, and a client that reconnects is given what it
missed (its last sequence number) from here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LiveStream(models.Model):
    """One row per stream: its last sequence number. Publishers lock this row to number their
    event, so numbers follow commit order without gaps (a rolled-back event gives its number
    back with the rest of its transaction)."""

    name = models.CharField(_("stream"), max_length=60, primary_key=True)
    last_seq = models.BigIntegerField(_("last sequence number"), default=0)

    class Meta:
        verbose_name = _("live stream")
        verbose_name_plural = _("live streams")

    def __str__(self) -> str:
        return f"{self.name} @{self.last_seq}"


class LiveEvent(models.Model):
    """One update of one stream (``user-7``, ``deal-12``): what happened (``kind``) and the
    data the stream's renderer needs (``payload``); pages get HTML made from it per reader."""

    stream = models.CharField(_("stream"), max_length=60)
    seq = models.BigIntegerField(_("sequence number"))
    kind = models.CharField(_("kind"), max_length=40)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("live event")
        verbose_name_plural = _("live events")
        constraints = [models.UniqueConstraint(fields=["stream", "seq"], name="live_event_stream_seq")]

    def __str__(self) -> str:
        return f"{self.stream}#{self.seq} {self.kind}"
