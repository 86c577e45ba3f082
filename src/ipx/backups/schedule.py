"""Scheduled backups and their retention: a backup every hour into ``IPX_BACKUP_DIR`` (none
when it is empty), every backup of the last ``IPX_BACKUP_KEEP_HOURLY_HOURS`` kept, and the
first of each day (UTC) of the last ``IPX_BACKUP_KEEP_DAILY_DAYS``; older ones are removed,
and so are folders left half-written by a backup that was killed."""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from ipx.backups import vault
from ipx.backups.manifest import MANIFEST
from ipx.backups.snapshot import NAME_FORMAT, PARTIAL, PREFIX, backup_create

logger = logging.getLogger("ipx.backups")


@dataclass(frozen=True)
class Kept:
    path: Path
    taken: datetime

    @property
    def size(self) -> int:
        return sum(path.stat().st_size for path in self.path.rglob("*") if path.is_file())


def backup_dir() -> Path | None:
    folder = str(settings.IPX_BACKUP_DIR)
    return Path(folder) if folder else None


def complete_backups(folder: Path) -> list[Kept]:
    """The finished backups in ``folder``, oldest first (a folder without its manifest is none)."""
    found: list[Kept] = []
    if not folder.is_dir():
        return found
    for path in folder.iterdir():
        if not path.name.startswith(PREFIX) or not (path / MANIFEST).is_file():
            continue
        try:
            taken = datetime.strptime(path.name.removeprefix(PREFIX), NAME_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            continue
        found.append(Kept(path, taken))
    return sorted(found, key=lambda kept: kept.taken)


def to_remove(backups: list[Kept], now: datetime) -> list[Kept]:
    """Which backups retention lets go (``backups`` oldest first)."""
    hourly = now - timedelta(hours=int(settings.IPX_BACKUP_KEEP_HOURLY_HOURS))
    daily = now - timedelta(days=int(settings.IPX_BACKUP_KEEP_DAILY_DAYS))
    days_seen: set[date] = set()
    going: list[Kept] = []
    for kept in backups:
        day = kept.taken.date()
        first_of_day = day not in days_seen
        days_seen.add(day)
        if kept.taken >= hourly or (kept.taken >= daily and first_of_day):
            continue
        going.append(kept)
    return going


def prune(folder: Path, now: datetime) -> list[Path]:
    removed = []
    for kept in to_remove(complete_backups(folder), now):
        shutil.rmtree(kept.path)
        removed.append(kept.path)
    for path in folder.glob(PARTIAL + "*"):
        # A backup still being written is younger than this; an older one was interrupted.
        if datetime.fromtimestamp(path.stat().st_mtime, tz=UTC) < now - timedelta(hours=6):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def backups_run_scheduled() -> str:
    """The hourly backup (the scheduler queues it), then retention. Nothing when
    ``IPX_BACKUP_DIR`` is empty."""
    folder = backup_dir()
    if folder is None:
        return "off"
    passphrase_file = str(settings.IPX_BACKUP_PASSPHRASE_FILE)
    passphrase = vault.read_passphrase(Path(passphrase_file)) if passphrase_file else None
    now = timezone.now()
    made = backup_create(destination=folder, passphrase=passphrase, now=now)
    removed = prune(folder, now)
    logger.info("backup made at %s (%d bytes); %d old backups removed", made.path, made.manifest.total_size,
                len(removed))
    return str(made.path)
