from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "ipx.reports"
    label = "reports"
    verbose_name = _("Statistics bulletin")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ipx.events import subscribe
        from ipx.expo.selectors import RECORDS_CHANGED
        from ipx.reports import rollups

        # The rollups of the days whose records changed are recomputed on the queue, after
        # the change commits, so the bulletin reads sums that follow the records.
        subscribe(RECORDS_CHANGED, rollups.refresh_days, background=True)
