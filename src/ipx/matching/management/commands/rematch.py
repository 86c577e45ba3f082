"""``ipx rematch``: embed what the matching engines lack, then rank every published demand.

The background tasks do this by themselves after changes (and once after the demo load,
when a demand's matches are first opened); this command does it now, in the foreground,
with progress on stderr — e.g. after loading the demo, to have ranking by meaning at once
(about ten minutes for the demo's 2,600 listings on 2 cores).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from ipx.matching.demands.selectors import published_demand_ids
from ipx.matching.matches import index
from ipx.matching.matches.services import matches_recompute


def _advance(bar: tqdm[Any]) -> Callable[[int], None]:
    def advance(done: int) -> None:
        bar.update(done - bar.n)

    return advance


class Command(BaseCommand):
    help = "Embed the listings and demands not embedded yet, then rank the listings of every published demand."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-embed", action="store_true",
                            help="rank with the vectors already cached (words and facts where some are missing)")
        parser.add_argument("--quiet-notifications", action="store_true",
                            help="record new matches without notifying anyone")

    def handle(self, *args: Any, **options: Any) -> None:
        show = options["verbosity"] > 0
        if not options["no_embed"]:
            for name, load in (("listings", index.load_listings), ("demands", index.load_demands)):
                documents, _facts, _owners = load()
                with tqdm(total=len(documents), desc=f"embedding {name}", unit="", file=sys.stderr,
                          disable=not show, leave=False) as bar:
                    index.embed_documents(documents, _advance(bar))
        index.raise_version(index.LISTINGS)
        index.raise_version(index.DEMANDS)
        outcomes = [matches_recompute(demand_id=demand_id, notify_new=not options["quiet_notifications"])
                    for demand_id in tqdm(published_demand_ids(), desc="ranking", unit="", file=sys.stderr,
                                          disable=not show, leave=False)]
        methods = Counter(outcome.method for outcome in outcomes)
        self.stdout.write(
            f"ranked {len(outcomes)} demand(s): {sum(o.kept for o in outcomes)} match(es) kept, "
            f"{sum(len(o.new) for o in outcomes)} new; "
            + (", ".join(f"{n} by {method}" for method, n in sorted(methods.items())) or "nothing to rank")
        )
