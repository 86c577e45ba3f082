from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ipx.listings.services import listings_expire_due


class Command(BaseCommand):
    help = ("Expire published listings whose offer period has ended, or one of whose rights has "
            "(the scheduler does this every 10 minutes; for manual use).")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"expired {listings_expire_due()} listing(s)")
