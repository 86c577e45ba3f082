"""The stamp of the index of an engine that keeps it in the database (PostgreSQL's table, or
FTS5 inside the SQLite database): the stamp lives there too, so a copy of the database
carries both. The embedded engines keep theirs in a file beside their index
(``ipx.search.stamp``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexStamp(models.Model):
    engine = models.CharField(_("engine"), max_length=20, primary_key=True)
    identity = models.CharField(_("database identity"), max_length=36)
    schema = models.CharField(_("schema version"), max_length=20)
    watermark = models.DateTimeField(_("changes applied up to"))
    built_at = models.DateTimeField(_("built"))
    count = models.PositiveIntegerField(_("documents"), default=0)
    generation = models.CharField(_("generation"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("search index stamp")
        verbose_name_plural = _("search index stamps")

    def __str__(self) -> str:
        return f"{self.engine} @ {self.watermark:%Y-%m-%d %H:%M:%S}"
