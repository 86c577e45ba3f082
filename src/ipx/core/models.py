from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class DatabaseIdentity(models.Model):
    """The one row naming this database: derived state kept outside it (search indexes,
    caches under var/) records the identity it was built from, so state built from another
    database is recognised instead of silently answering for this one. A copy of the
    database (a restore on a new server) keeps the identity: its data is the same."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    identity = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("database identity")
        verbose_name_plural = _("database identity")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="core_one_database_identity")]

    def __str__(self) -> str:
        return str(self.identity)
