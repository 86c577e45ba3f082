"""Rollups of the expo's records, so the bulletin sums a few rows per day, not every record.

One row per day, record kind and IP type; ``ipx.reports.rollups`` recomputes a day's rows from
the records whenever records of that day change, and ``ipx report verify`` compares them all
with a recomputation.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordRollup(models.Model):
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=12)
    ip_type = models.CharField(_("IP type"), max_length=10, blank=True)
    records = models.PositiveIntegerField(_("records"))  # auction lots: the lots offered
    items = models.PositiveBigIntegerField(_("items"))
    # In fen, a whole number, so that sums over days are exact on SQLite too (it keeps decimals
    # as floating point).
    amount_fen = models.BigIntegerField(_("amount in CNY fen"))
    sold = models.PositiveIntegerField(_("lots sold"), default=0)
    max_premium_rate = models.DecimalField(_("highest premium rate"), max_digits=12, decimal_places=4,
                                           null=True, blank=True)

    class Meta:
        ordering = ["day", "kind", "ip_type"]
        verbose_name = _("record rollup")
        verbose_name_plural = _("record rollups")
        constraints = [models.UniqueConstraint(fields=["day", "kind", "ip_type"], name="reports_rollup_once")]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.ip_type}"
