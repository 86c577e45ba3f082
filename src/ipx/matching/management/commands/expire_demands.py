from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ipx.matching.demands.services import demands_expire_due


class Command(BaseCommand):
    help = "Expire demands whose deadline has passed (the scheduler does this every 10 minutes; for manual use)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"expired {demands_expire_due()} demand(s)")
