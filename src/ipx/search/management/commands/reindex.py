from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from ipx.listings.selectors import published_count
from ipx.search.backends import kept_engines
from ipx.search.rebuild import RebuildRunning
from ipx.search.services import rebuild_index
from ipx.search.state import catch_up, index_status


def _advance(bar: tqdm[Any]) -> Callable[[int], None]:
    def progress(done: int) -> None:
        bar.update(done - bar.n)

    return progress


class Command(BaseCommand):
    help = ("Bring the search indexes up to date with the database (the configured engine's and, "
            "beside an embedded engine, the database's own): only what changed since each last "
            "caught up, or with --full a new index built beside the serving one. Both can run "
            "while the site serves.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--full", action="store_true", help="Rebuild each whole index, then switch to it.")

    def handle(self, *args: Any, **options: Any) -> None:
        for engine in kept_engines():
            try:
                self._bring_up_to_date(engine, full=options["full"])
            except RebuildRunning:
                raise CommandError(f"another rebuild of the {engine} index is running; try again when it "
                                   "ends") from None

    def _bring_up_to_date(self, engine: str, *, full: bool) -> None:
        started = time.perf_counter()
        if not full:
            with tqdm(unit="listing", desc=f"catching up ({engine})") as bar:
                result = catch_up(_advance(bar), engine=engine)
            if result is not None:
                seconds = time.perf_counter() - started
                self.stdout.write(f"caught up with {engine}: {result.reindexed} changed listings reindexed, "
                                  f"{result.added} added, {result.removed} removed in {seconds:.1f} s")
                return
            status = index_status(engine)
            self.stdout.write(f"the {engine} index is {status.state}: {status.detail} It is rebuilt whole.")
        with tqdm(total=published_count(), unit="listing", desc=f"indexing ({engine})") as bar:
            count = rebuild_index(_advance(bar), engine=engine)
        seconds = time.perf_counter() - started
        self.stdout.write(f"indexed {count} listings with {engine} in {seconds:.1f} s")
