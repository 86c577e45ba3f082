"""Periodic work, instead of cron: what runs, how often.

The scheduler (``ipx scheduler``, or ``ipx worker --schedule`` on one machine) fires each
entry on its crontab; the firing only queues a journal row keyed by (function, slot), so a
second scheduler started by mistake queues nothing more and each slot runs once. The
functions are named, not imported: they live in apps above this one, and must be idempotent
(they are: each expires only what is due and still open, re-checked under a row lock).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils import timezone
from huey import Huey, crontab


@dataclass(frozen=True)
class Schedule:
    func: str
    every_minutes: int

    @property
    def short_name(self) -> str:
        return self.func.rpartition(".")[2]

    def slot(self, now: datetime) -> str:
        """The slot ``now`` falls in: the start of its period, in UTC."""
        minutes = int(now.timestamp() // 60)
        start = minutes - minutes % self.every_minutes
        return datetime.fromtimestamp(start * 60, tz=UTC).strftime("%Y-%m-%dT%H:%MZ")


SCHEDULES = (
    # Listings and demands end on a date; every ten minutes picks them up soon after midnight.
    Schedule("ipx.listings.services.listings_expire_due", 10),
    Schedule("ipx.matching.demands.services.demands_expire_due", 10),
    # Offers end at a time: each minute.
    Schedule("ipx.deals.negotiation.offers.offers_expire_due", 1),
    Schedule("ipx.tasks.runner.purge_finished", 60),
    # The search index follows the database: catch up, or queue one rebuild when unusable.
    Schedule("ipx.search.state.keep_current", 1),
    # Live events older than a day (the last ones of each stream stay, for pages reconnecting).
    Schedule("ipx.live.services.prune", 60),
    # Matching's vectors live in var/ (a new server, an emptied cache): queue their catch-up.
    Schedule("ipx.matching.matches.health.keep_vectors_current", 5),
    # Loan instalments fall due on dates: hourly marks the late ones soon after midnight.
    Schedule("ipx.finance.services.loans.loans_mark_overdue", 60),
    # An appraiser's loss share it could not pay at a default, collected as its balance allows.
    Schedule("ipx.finance.services.pools.pools_collect_owed", 60),
    # Insurance policies end on a date: hourly expires them soon after midnight.
    Schedule("ipx.finance.services.insurance.policies_expire", 60),
    # A backup into IPX_BACKUP_DIR each hour (nothing when it is empty), then retention.
    Schedule("ipx.backups.schedule.backups_run_scheduled", 60),
)


def fire(schedule: Schedule, *, now: datetime | None = None) -> bool:
    """Queue this slot's run of ``schedule``; False when it was already queued."""
    from ipx.tasks.runner import enqueue_once

    key = f"{schedule.func}@{schedule.slot(now or timezone.now())}"
    return enqueue_once(key, schedule.func) is not None


def register(huey: Huey) -> None:
    for schedule in SCHEDULES:
        minute = "*" if schedule.every_minutes == 1 else f"*/{schedule.every_minutes}"
        if schedule.every_minutes >= 60:
            minute = "0"

        def run(schedule: Schedule = schedule) -> None:
            fire(schedule)

        huey.periodic_task(crontab(minute=minute), name=f"ipx.schedule.{schedule.short_name}")(run)
