"""``ipx rematch``: catch matching up with the database — incremental by default, ``--full``
for everything.

The background tasks follow every change by themselves; this command repairs what they
missed (see ``ipx.matching.matches.rematch``): it computes the vectors the cache lacks, then
ranks again the demands concerned by what changed since its last run (all of them with
``--full``, or on the first run), with progress on stderr and a summary on stdout. It can
run while the site serves: each demand is ranked in its own short transaction. Computing
every vector of the demo's 2,600 listings takes about ten minutes on 2 cores.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from ipx.matching.matches.rematch import RematchResult, rematch
from ipx.matching.retrieval.confidence import judged_unfit


class Command(BaseCommand):
    help = ("Rank again the demands concerned by what changed since the last run (computing the vectors "
            "the cache lacks first); --full ranks every published demand.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--full", action="store_true",
                            help="rank every published demand, not only those concerned by changes")
        parser.add_argument("--no-embed", action="store_true",
                            help="rank with the vectors already cached (words and facts where some are missing)")
        parser.add_argument("--quiet-notifications", action="store_true",
                            help="record new matches without notifying anyone")

    def handle(self, *args: Any, **options: Any) -> None:
        show = options["verbosity"] > 0
        bars: list[tqdm[Any]] = []

        def progress_for(stage: str, total: int) -> Callable[[int], None]:
            bar = tqdm(total=total, desc=f"embedding {stage}", unit="", file=sys.stderr, disable=not show,
                       leave=False)
            bars.append(bar)

            def advance(done: int) -> None:
                bar.update(done - bar.n)
                if done >= total:
                    bar.close()

            return advance

        def ranked(ids: Iterable[int]) -> Iterator[int]:
            yield from tqdm(list(ids), desc="ranking", unit="", file=sys.stderr, disable=not show, leave=False)

        try:
            result = rematch(full=options["full"], embed=not options["no_embed"],
                             notify_new=not options["quiet_notifications"], progress_for=progress_for, ranked=ranked)
        finally:
            for bar in bars:
                bar.close()
        self.stdout.write(summary(result))


def summary(result: RematchResult) -> str:
    outcomes = result.outcomes
    since = result.changes.since
    if result.full or since is None:
        scope = "full run"
    else:
        scope = (f"changes since {since:%Y-%m-%d %H:%M:%S %Z}: {len(result.changes.listing_ids)} listing(s), "
                 f"{len(result.changes.demand_ids)} demand(s)")
    methods = Counter(outcome.method for outcome in outcomes if outcome.method)
    return (
        f"{scope}; embedded {result.embedded} document(s); ranked {len(outcomes)} demand(s): "
        f"{sum(o.kept for o in outcomes)} match(es) kept, {sum(len(o.new) for o in outcomes)} new, "
        f"{sum(judged_unfit(o.fit) for o in outcomes)} demand(s) with no good match; "
        + (", ".join(f"{n} by {method}" for method, n in sorted(methods.items())) or "nothing to rank")
    )
