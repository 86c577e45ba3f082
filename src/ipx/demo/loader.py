"""Loading the demo: everything in one transaction through the services, then one rebuild
of the search index. Loads once; later calls find the operator login and change nothing."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Never

from django.db import transaction
from django.db.models import Max
from tqdm import tqdm

from ipx.accounts.models import Organisation, User
from ipx.catalog.models import Asset
from ipx.dataip.models import DataProduct
from ipx.deals.models import Commitment, Deal, Thread
from ipx.demo.auctions import create_auctions
from ipx.demo.authenticators import give_authenticators
from ipx.demo.dataip import create_dataip
from ipx.demo.deals import create_deals
from ipx.demo.demands import compute_demo_matches, create_demands
from ipx.demo.finance import create_finance
from ipx.demo.listings import SEED, create_listings, plan_listings
from ipx.demo.live_auction import next_live_round
from ipx.demo.organisations import (
    ORGANISATIONS,
    assign_usccs,
    register_organisations,
    review_organisations,
)
from ipx.demo.other_ip import create_other_ip
from ipx.demo.patents import create_patents, patent_records
from ipx.demo.people import OPERATOR, add_members, register_admins, register_operator
from ipx.demo.results import Created, Skipped
from ipx.demo.securitisation import create_securitisation
from ipx.demo.sources import PatentRecord, read_usccs
from ipx.demo.vectors import load_demo_vectors
from ipx.finance.models import Product
from ipx.listings.models import Listing
from ipx.matching.matches.health import keep_vectors_current
from ipx.matching.matches.shipped import ImportReport
from ipx.matching.models import Demand
from ipx.notifications.models import Notification
from ipx.search.backends import get_backend, kept_engines
from ipx.search.services import rebuild_index
from ipx.tasks.models import Task


@dataclass
class LoadResult:
    loaded: bool  # False when the demo was there already and nothing was done
    skipped: list[Skipped] = field(default_factory=list)
    indexed: int | None = None  # listings put into the search index, if it was rebuilt
    seconds: float = 0.0
    vectors: ImportReport | None = None  # the shipped vectors read (None: matching ranks without meaning)
    live_lots: int = 0  # lots of a new live auction round opened on a loaded demo (``next_live_round``)


def demo_loaded() -> bool:
    return User.objects.filter(email=OPERATOR.email).exists()


@contextmanager
def _without_after_commit_work() -> Iterator[None]:
    """Drop the after-commit work that the services inside the block register.

    Services publish their domain events with ``transaction.on_commit``; committing the
    demo in one go would then re-index thousands of listings one at a time (and each
    asset's listings once more) and mail every fictional administrator about verification.
    The loader rebuilds the index once instead, after the commit.

    The hand-over of the tasks the services journaled goes with the rest (the live auction's
    clock: its lots' closes and closing-soon notices; the won lots' payment deadlines). Their
    rows are marked as not handed over, as after a store that was down, so the workers'
    maintenance loop hands each over on its first round: on time, not minutes late, when the
    store was never told of them.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("the demo must be loaded inside a transaction")
    start = len(connection.run_on_commit)
    journaled_after = Task.objects.aggregate(last=Max("pk"))["last"] or 0
    try:
        yield
    finally:
        del connection.run_on_commit[start:]
    Task.objects.filter(pk__gt=journaled_after, status__in=(Task.Status.QUEUED, Task.Status.RETRYING)).update(
        pushed_at=None)


def _bar(total: int, description: str, progress: bool) -> tqdm[Never]:
    return tqdm(total=total, desc=description, unit="", disable=not progress, leave=False)


def _load(records: list[PatentRecord], progress: bool) -> tuple[list[Skipped], ImportReport | None]:
    rng = random.Random(SEED)
    operator = register_operator()
    admins = register_admins()
    organisations = register_organisations(admins, assign_usccs(ORGANISATIONS, read_usccs()))
    review_organisations(organisations, operator)
    add_members(admins, organisations)
    with _bar(len(records), "patents", progress) as bar:
        patents, skipped = create_patents(records, organisations, bar.update)
    others, others_skipped = create_other_ip(organisations)
    skipped += others_skipped
    created: dict[str, list[Created]] = {
        org.key: patents.get(org.key, []) + others.get(org.key, []) for org in ORGANISATIONS
    }
    plans = plan_listings(created, rng)
    with _bar(len(plans), "listings", progress) as bar:
        skipped += create_listings(plans, admins, operator, rng, bar.update)
    create_deals(organisations, admins, operator)
    give_authenticators()
    # Data products publish listings too: before the vectors are read, which cover only the
    # listings published by then.
    create_dataip(organisations, admins, operator)
    # Demands last, so that their matches are ranked over every listing, by meaning too once
    # the shipped vectors of the listings and demands are in the cache.
    demands = create_demands(organisations, admins, operator)
    vectors = load_demo_vectors()
    compute_demo_matches(demands)
    # Auctions near the end: the live session's lots close a few minutes after this step.
    create_auctions(organisations, admins, operator)
    create_finance(organisations, admins, operator)
    create_securitisation(organisations, admins)
    # The sample's listings were reviewed before the demo's day: thousands of "your listing is
    # on the market" notices would bury the news in the holders' inboxes.
    Notification.objects.filter(verb="listing.approved").delete()
    return skipped, vectors


def _refresh_planner_statistics() -> None:
    """PostgreSQL plans queries from table statistics that autovacuum gathers only later; right
    after thousands of rows arrive in one transaction its estimates are of empty tables and
    joins can take minutes. ANALYZE (allowed inside a transaction) counts the new rows now."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _rebuild_index(progress: bool, engines: tuple[str, ...] = ()) -> int:
    """Build the search indexes (each kept engine's by default); returns the count of the first."""
    total = Listing.objects.filter(status=Listing.Status.PUBLISHED).count()
    counts = []
    for engine in engines or kept_engines():
        with _bar(total, f"search index ({engine})", progress) as bar:
            def advance(done: int, bar: Any = bar) -> None:
                bar.update(done - bar.n)

            counts.append(rebuild_index(advance, engine=engine))
    return counts[0]


def load_demo(*, sample: int = 1, progress: bool = False) -> LoadResult:
    """Load the demo unless it is there; ``sample`` > 1 keeps every n-th bulk patent only."""
    if sample < 1:
        raise ValueError("sample must be 1 or more")
    started = time.perf_counter()
    if demo_loaded():
        # Quietly too: the new round's admission and outbid e-mails are not for the terminal.
        with transaction.atomic(), _without_after_commit_work():
            live_lots = next_live_round()
        return LoadResult(loaded=False, indexed=ensure_index(progress), live_lots=live_lots)
    records = patent_records(sample=sample)
    with transaction.atomic():
        # Checked again inside the transaction: SQLite's IMMEDIATE transactions hold the write
        # lock from here, so of two loads started together only one runs; on PostgreSQL the
        # second stops at the demo e-mail addresses the first registered.
        if demo_loaded():
            return LoadResult(loaded=False)
        with _without_after_commit_work():
            skipped, vectors = _load(records, progress)
        _refresh_planner_statistics()
    if vectors is not None:
        # Embeds in the background what the file did not give (or a listing the load published
        # after the demands were ranked), then ranks the demands again; nothing when all is there.
        keep_vectors_current()
    indexed = _rebuild_index(progress)
    seconds = time.perf_counter() - started
    return LoadResult(loaded=True, skipped=skipped, indexed=indexed, seconds=seconds, vectors=vectors)


def ensure_index(progress: bool = False) -> int | None:
    """Rebuild the index if it is empty while listings are published (e.g. its files were
    removed after an earlier load); returns how many were indexed, or None if it was fine."""
    published = Listing.objects.filter(status=Listing.Status.PUBLISHED)
    empty = tuple(engine for engine in kept_engines() if not get_backend(engine).count())
    if not empty or not published.exists():
        return None
    return _rebuild_index(progress, empty)


def demo_counts() -> dict[str, int]:
    """What the database holds, for the summary the command prints."""
    assets = Asset.objects
    listings = Listing.objects
    statuses = Organisation.Status
    return {
        "organisations": Organisation.objects.count(),
        "organisations verified": Organisation.objects.filter(status=statuses.VERIFIED).count(),
        "organisations pending": Organisation.objects.filter(status=statuses.PENDING).count(),
        "organisations rejected": Organisation.objects.filter(status=statuses.REJECTED).count(),
        "users": User.objects.count(),
        "patents": assets.filter(ip_type=Asset.Type.PATENT).count(),
        "trademarks": assets.filter(ip_type=Asset.Type.TRADEMARK).count(),
        "copyrights": assets.filter(ip_type=Asset.Type.COPYRIGHT).count(),
        "GI products": assets.filter(ip_type=Asset.Type.GI).count(),
        "data products": DataProduct.objects.count(),
        "securitisations": Product.objects.count(),
        "data IP registered": assets.filter(ip_type=Asset.Type.DATA, legal_status=Asset.LegalStatus.IN_FORCE).count(),
        "listings published": listings.filter(status=Listing.Status.PUBLISHED).count(),
        "listings awaiting review": listings.filter(status=Listing.Status.SUBMITTED).count(),
        "listings in draft": listings.filter(status=Listing.Status.DRAFT).count(),
        "negotiations": Thread.objects.count(),
        "deals concluded": Deal.objects.filter(commitment=Commitment.CONCLUDED).count(),
        "deals intended": Deal.objects.filter(commitment=Commitment.INTENDED).count(),
        "technology demands": Demand.objects.filter(status=Demand.Status.PUBLISHED).count(),
    }
