from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ipx.deals.negotiation.offers import offers_expire_due


class Command(BaseCommand):
    help = ("Mark open offers whose time has run out as expired and tell both sides "
            "(the scheduler does this every minute; for manual use).")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"expired {offers_expire_due()} offer(s)")
