"""The workers' maintenance loop: a thread in each ``ipx worker`` and ``ipx scheduler``.

Every few seconds it heartbeats the tasks this process runs, queues again the tasks of
workers that stopped answering (killed, machine lost), and hands over the journal rows the
store could not take while it was down. Each step is a conditional UPDATE, so any number of
these loops may run side by side.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection

from ipx.tasks import runner

logger = logging.getLogger(__name__)


class Maintenance(threading.Thread):
    def __init__(self, *, interval: float | None = None) -> None:
        super().__init__(name="ipx-task-maintenance", daemon=True)
        self.interval = interval or settings.IPX_TASKS_HEARTBEAT_SECONDS
        self.stopped = threading.Event()
        self._failures = 0

    def run(self) -> None:
        try:
            while not self.stopped.wait(self._delay()):
                self.round()
        finally:
            connection.close()

    def _delay(self) -> float:
        # Back off while the database or the store is away, without flooding the log.
        return float(min(self.interval * (2 ** self._failures), 60.0))

    def round(self) -> None:
        close_old_connections()
        try:
            runner.heartbeat()
            runner.reclaim_stale()
            runner.push_pending()
        except Exception:
            self._failures = min(self._failures + 1, 6)
            logger.exception("task maintenance failed; next try in %.0fs", self._delay())
        else:
            if self._failures:
                logger.info("task maintenance recovered")
            self._failures = 0

    def stop(self) -> None:
        self.stopped.set()
