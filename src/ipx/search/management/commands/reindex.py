from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from ipx.listings.selectors import published_count
from ipx.search.rebuild import RebuildRunning
from ipx.search.services import rebuild_index
from ipx.search.state import catch_up, index_status


def _advance(bar: tqdm[Any]) -> Callable[[int], None]:
    def progress(done: int) -> None:
        bar.update(done - bar.n)

    return progress


class Command(BaseCommand):
    help = ("Bring the search index up to date with the database: only what changed since it last "
            "caught up, or with --full a new index built beside the serving one. Both can run while "
            "the site serves.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--full", action="store_true", help="Rebuild the whole index, then switch to it.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        status = index_status()
        try:
            if options["full"]:
                self._full(status.engine, started)
                return
            with tqdm(unit="listing", desc=f"catching up ({status.engine})") as bar:
                result = catch_up(_advance(bar))
            if result is None:
                self.stdout.write(f"the index is {status.state}: {status.detail} It is rebuilt whole.")
                self._full(status.engine, started)
                return
        except RebuildRunning:
            raise CommandError("another rebuild of this index is running; try again when it ends") from None
        seconds = time.perf_counter() - started
        self.stdout.write(f"caught up with {status.engine}: {result.reindexed} changed listings reindexed, "
                          f"{result.added} added, {result.removed} removed in {seconds:.1f} s")

    def _full(self, engine: str, started: float) -> None:
        with tqdm(total=published_count(), unit="listing", desc=f"indexing ({engine})") as bar:
            count = rebuild_index(_advance(bar))
        seconds = time.perf_counter() - started
        self.stdout.write(f"indexed {count} listings with {engine} in {seconds:.1f} s")
