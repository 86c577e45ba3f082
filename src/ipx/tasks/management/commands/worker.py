from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ipx.tasks.models import Task
from ipx.tasks.runner import run_next


class Command(BaseCommand):
    help = "Run queued background tasks (for IPX_TASKS_MODE=worker, or to drain leftovers)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--burst", action="store_true", help="Exit when the queue is empty.")
        parser.add_argument("--requeue-stale", action="store_true",
                            help="First put tasks left 'running' by a crashed process back in the queue.")
        parser.add_argument("--poll-seconds", type=float, default=1.0)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["requeue_stale"]:
            count = Task.objects.filter(status=Task.Status.RUNNING).update(status=Task.Status.QUEUED)
            self.stdout.write(f"requeued {count} task(s)")
        done = 0
        while True:
            if run_next():
                done += 1
                continue
            if options["burst"]:
                break
            time.sleep(options["poll_seconds"])
        self.stdout.write(f"ran {done} task(s)")
