"""The back-office's line on backups: the last successful one, when and how big; degraded
when scheduled backups are on and none is younger than two of their periods."""

from __future__ import annotations

from datetime import timedelta

from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.backups.schedule import backup_dir, complete_backups
from ipx.core.health import Check, JSONScalar

# Hourly backups: the newest older than this means the last ones failed.
OVERDUE = timedelta(hours=2)


def backups_check() -> Check:
    folder = backup_dir()
    if folder is None:
        return Check(name="backups", status="ok",
                     detail=_("Scheduled backups are off (IPX_BACKUP_DIR is empty)."),
                     facts={"scheduled": False})
    backups = complete_backups(folder)
    if not backups:
        return Check(name="backups", status="degraded",
                     detail=_("No backup has been made in %(folder)s yet.") % {"folder": folder},
                     remedy=_("Check that a scheduler runs (ipx worker --schedule) and that IPX can write to "
                              "that folder, or run ipx backup there."),
                     facts={"scheduled": True, "folder": str(folder)})
    last = backups[-1]
    size = last.size
    facts: dict[str, JSONScalar] = {"scheduled": True, "folder": str(folder), "last": last.taken.isoformat(),
                                    "size_bytes": size, "kept": len(backups)}
    detail = _("The last successful backup: %(time)s, %(size)s (%(count)d kept).") % {
        "time": timezone.localtime(last.taken).strftime("%Y-%m-%d %H:%M"), "size": filesizeformat(size),
        "count": len(backups)}
    if timezone.now() - last.taken > OVERDUE:
        return Check(name="backups", status="degraded", detail=detail,
                     remedy=_("The hourly backups have stopped: see the task queue's failed backup tasks "
                              "and the free space where they are written."), facts=facts)
    return Check(name="backups", status="ok", detail=detail, facts=facts)
