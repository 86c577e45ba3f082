from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from ipx.listings.selectors import published_count
from ipx.search.backends import get_backend
from ipx.search.services import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the search index from the published listings in the database."

    def handle(self, *args: Any, **options: Any) -> None:
        backend = get_backend()
        started = time.perf_counter()
        with tqdm(total=published_count(), unit="listing", desc=f"indexing ({backend.name})") as bar:
            last = 0

            def progress(done: int) -> None:
                nonlocal last
                bar.update(done - last)
                last = done

            count = rebuild_index(progress)
        seconds = time.perf_counter() - started
        self.stdout.write(f"indexed {count} listings with {backend.name} in {seconds:.1f} s")
