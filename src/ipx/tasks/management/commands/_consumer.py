"""What ``ipx worker`` and ``ipx scheduler`` share: the start-up check, the maintenance
thread and the Huey consumer."""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.core.management.base import CommandError

from ipx.tasks import engine
from ipx.tasks.maintenance import Maintenance


def run_consumer(*, workers: int, periodic: bool) -> None:
    if settings.IPX_TASKS_IMMEDIATE:
        raise CommandError("IPX_TASKS_IMMEDIATE=1 runs tasks in the caller; unset it to run a worker.")
    try:
        engine.check_store()
    except engine.StoreUnavailable as exc:
        raise CommandError(str(exc)) from exc
    huey_logger = logging.getLogger("huey")
    if not huey_logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("[%(asctime)s] %(levelname)s %(name)s: %(message)s"))
        huey_logger.addHandler(handler)
        logging.getLogger("ipx.tasks").addHandler(handler)
    huey_logger.setLevel(logging.INFO)
    maintenance = Maintenance()
    maintenance.start()
    consumer = engine.get_huey().create_consumer(
        workers=workers, periodic=periodic, worker_type="thread", scheduler_interval=1,
        # Redis or the SQLite store away: workers poll again after at most 10 s, logging it.
        max_delay=10.0, check_worker_health=True)
    try:
        consumer.run()
    finally:
        maintenance.stop()
        # A round under way finishes before the process (or a test) takes the database away.
        maintenance.join(timeout=30)
