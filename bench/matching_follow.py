"""A changed listing, followed to every demand it concerns: the whole path a change takes in
the worker (its passages embedded, the engines' counter raised, the kept engine brought up
to date, the demands it may fit ranked again), timed step by step, against building the
listings' engine whole as every change did before.

    IPX_VAR_DIR=/tmp/demo .venv/bin/ipx demo
    IPX_VAR_DIR=/tmp/demo .venv/bin/python bench/matching_follow.py [--changes 20]

Each change rewrites one published listing's title (another listing's title, so that the
text is real and new to it) in the database given, as an edit would, and calls the handler
the edit's event calls. The database is changed: use a scratch one. Prints ``NAME VALUE``.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Callable
from functools import partial

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipx.settings")
django.setup()

from django.utils import timezone  # noqa: E402

from ipx.listings.models import Listing  # noqa: E402
from ipx.listings.selectors import listings_for_index  # noqa: E402
from ipx.matching.matches import index  # noqa: E402
from ipx.matching.matches.documents import listing_document  # noqa: E402
from ipx.matching.matches.services import matches_follow_listing  # noqa: E402
from ipx.matching.retrieval.metrics import percentile  # noqa: E402


def line(name: str, value: float | int | str) -> None:
    print(f"{name} {value:.1f}" if isinstance(value, float) else f"{name} {value}", flush=True)


def timed(work: Callable[[], object]) -> float:
    begin = time.perf_counter()
    work()
    return (time.perf_counter() - begin) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--seed", type=int, default=5)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    index.forget()
    line("build_whole_ms", timed(index.listing_catalogue))
    index.demand_catalogue()
    kept = index.listing_catalogue()
    line("listings", len(kept))
    line("ranked_by", kept.method)
    ids = sorted(listing.pk for listing in listings_for_index())
    titles = list(Listing.objects.filter(pk__in=ids).values_list("title", flat=True))
    steps: dict[str, list[float]] = {"embed": [], "refresh": [], "follow": [], "total": []}
    for pk in rng.sample(ids, options.changes):
        Listing.objects.filter(pk=pk).update(title=rng.choice(titles)[:120], updated_at=timezone.now())
        listing = next(iter(listings_for_index([pk])))
        embed = timed(partial(index.embed_documents, [listing_document(listing)]))
        index.raise_version(index.LISTINGS, [pk])
        refresh = timed(index.listing_catalogue)
        follow = timed(partial(matches_follow_listing, listing_id=pk))
        for name, value in (("embed", embed), ("refresh", refresh), ("follow", follow),
                            ("total", embed + refresh + follow)):
            steps[name].append(value)
    for name, values in steps.items():
        line(f"{name}_p50_ms", percentile(values, 50))
        line(f"{name}_max_ms", max(values))
    line("changed_in_engine", index.listing_catalogue().changed)


if __name__ == "__main__":
    main()
