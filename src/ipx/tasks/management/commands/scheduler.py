from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ipx.tasks.management.commands._consumer import run_consumer


class Command(BaseCommand):
    help = ("Fire the periodic tasks (expiring listings, demands, offers) and deliver scheduled ones. "
            "Run exactly one per site; `ipx worker` processes run what it queues.")

    def handle(self, *args: Any, **options: Any) -> None:
        run_consumer(workers=0, periodic=True)
