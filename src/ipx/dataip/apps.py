from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataIpConfig(AppConfig):
    name = "ipx.dataip"
    label = "dataip"
    verbose_name = _("Data IP registry")
    default_auto_field = "django.db.models.BigAutoField"
