"""What the full demo load with its shipped vectors and the real embedding model must show
(``test_loader`` runs them on its one full load): English demands find Chinese patents of
their field at once, by meaning, with nothing left to embed; a refused vectors file (another
model, damaged) is said and leaves the demo to the background instead. The model embeds only
the eight texts of the sample check."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
from django.conf import LazySettings

from ipx.demo.loader import LoadResult
from ipx.demo.vectors import VECTORS_FILE, describe, load_demo_vectors
from ipx.listings.models import Listing
from ipx.matching.demands.language import ENGLISH
from ipx.matching.matches import index, preparation
from ipx.matching.matches.documents import listing_facts
from ipx.matching.matches.handlers import matches_catch_up
from ipx.matching.matches.shipped import read_vector_file, write_vector_file
from ipx.matching.models import Demand, DemandMatch, DemandMatchRun
from ipx.tasks.models import Task
from ipx.tasks.runner import task_name


def sections_of(listing: Listing) -> set[str]:
    return {code[0] for code in listing_facts(listing).ipc}


def assert_english_demands_found_their_field() -> None:
    english = list(Demand.objects.filter(language=ENGLISH, status=Demand.Status.PUBLISHED).order_by("pk"))
    assert len(english) == 3
    for demand in english:
        assert DemandMatchRun.objects.get(demand=demand).method == "hybrid", demand.title
        rows = list(DemandMatch.objects.filter(demand=demand, rank__isnull=False).order_by("rank")
                    .select_related("listing"))
        assert len(rows) >= 5, demand.title
        top = Listing.objects.prefetch_related("asset_links__asset__patent").get(pk=rows[0].listing_id)
        # The battery demand's first listing was an unclassified robot-charging monitor until
        # the demand's title words came to weigh as a document title's (``QueryTerms.emphasised``).
        assert {code[0] for code in demand.ipc_codes} & sections_of(top), (demand.title, top.title)


def assert_the_shipped_vectors_were_used(result: LoadResult) -> None:
    """The full load (with the model switched on) read every text's vector from the file and
    left nothing to the background; English demands found their field by meaning."""
    report = result.vectors
    assert report is not None and report.problem is None and report.missing == []
    assert report.imported == report.wanted > 2500 and report.sampled == 8
    assert describe(report)[1] is None
    # Every listing the load published, a data product's too, has its vectors from the file:
    # nothing is left to the background.
    assert preparation.listing_preparation() is None and index.listing_catalogue().dense
    assert not Task.objects.filter(name=task_name(matches_catch_up)).exists()
    assert_english_demands_found_their_field()


def assert_a_refused_file_leaves_the_demo_to_the_background(settings: LazySettings, tmp_path: Path) -> None:
    """A new server's empty cache and a file of another model, or a damaged file: refused,
    said, and the demo waits for the background, its matches saying so."""
    settings.VAR_DIR = tmp_path / "elsewhere"
    index.forget()
    preparation.forget()  # the count kept for the other cache would otherwise stand a few seconds
    foreign = tmp_path / "foreign.npz"
    # Whole and consistent (its own digest), only of another model.
    shipped = read_vector_file(VECTORS_FILE).entries
    write_vector_file(foreign, "another-model", {key: v.astype(np.float32) for key, v in shipped.items()})
    refused = load_demo_vectors(foreign, rng=random.Random(0))
    assert refused is not None and refused.imported == 0 and len(refused.missing) == refused.wanted > 2500
    _said, err = describe(refused)
    assert err is not None and err.startswith("The demo's vectors were not used: ") and "another-model" in err
    emptied = preparation.listing_preparation()
    assert emptied is not None and emptied.ready == 0 and emptied.total == Listing.objects.filter(
        status=Listing.Status.PUBLISHED).count()

    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(VECTORS_FILE.read_bytes()[:1000])
    damaged = load_demo_vectors(truncated)
    assert damaged is not None and damaged.problem is not None and "truncated or damaged" in damaged.problem
    assert not index.listing_catalogue().dense
