from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentVersion(models.Model):
    """One counter, raised whenever anything the public API shows changes; cached public
    responses carry the counter in their key, so a change makes them unreachable at once in
    every process."""

    version = models.BigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("public content version")
        verbose_name_plural = _("public content versions")

    def __str__(self) -> str:
        return str(self.version)
