from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from ipx.tasks.management.commands._consumer import run_consumer
from ipx.tasks.models import Task
from ipx.tasks.runner import run_due


class Command(BaseCommand):
    help = ("Run background tasks (the queue's consumer, with the maintenance loop that reclaims the "
            "tasks of dead workers). --schedule also runs the schedules: for one machine.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workers", type=int, default=None,
                            help="Worker threads (default IPX_TASKS_WORKERS, 2).")
        parser.add_argument("--schedule", action="store_true",
                            help="Also fire periodic tasks (exactly one process per site may do this).")
        parser.add_argument("--burst", action="store_true",
                            help="Run the journal's due tasks in this process, without the queue store, and exit.")
        parser.add_argument("--requeue-stale", action="store_true",
                            help="First queue again every task marked running (only when no worker runs).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["requeue_stale"]:
            count = Task.objects.filter(status=Task.Status.RUNNING).update(
                status=Task.Status.QUEUED, worker="", heartbeat_at=None)
            self.stdout.write(f"requeued {count} task(s)")
        if options["burst"]:
            self.stdout.write(f"ran {run_due()} task(s)")
            return
        run_consumer(workers=options["workers"] or settings.IPX_TASKS_WORKERS, periodic=options["schedule"])
