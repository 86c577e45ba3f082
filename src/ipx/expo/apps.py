from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpoConfig(AppConfig):
    name = "ipx.expo"
    label = "expo"
    verbose_name = _("Expo")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ipx.expo import notices  # noqa: F401 - registers the expo notices' wording
