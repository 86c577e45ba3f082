"""The demo's shipped vectors: every passage of its published listings and demands, and every
demand's query, embedded once (``ipx demo-vectors build``) and committed as
``data/demo_vectors.npz``, so that ``ipx demo`` ranks by meaning — and an English demand finds
Chinese patents — at once, instead of after ten minutes of embedding on two cores.

``ipx demo`` reads the file into the vector cache before it ranks the demo demands, after a
random sample of it agreed with the live model (``ipx.matching.matches.shipped``). A refused
file (another model, other texts, damaged) is said on stderr; its texts are then embedded in
the background like any others, and the demands ranked by words and facts meanwhile.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from pathlib import Path

from django.db.models import Prefetch
from django.utils import timezone

from ipx.demo.demands import DEMANDS, demand_values
from ipx.listings.models import Listing, ListingAsset
from ipx.matching.demands.inputs import DemandInput
from ipx.matching.matches import index
from ipx.matching.matches.documents import demand_document, demand_text, listing_document
from ipx.matching.matches.shipped import ImportReport, TextKey, import_vector_file, write_vector_file
from ipx.matching.models import Demand
from ipx.matching.retrieval import Document, default_cache
from ipx.matching.retrieval.analysis import dense_text
from ipx.matching.retrieval.documents import passages
from ipx.matching.retrieval.embedding import Embedder, Vectors, embed_cached, text_key

VECTORS_FILE = Path(__file__).resolve().parent / "data" / "demo_vectors.npz"


def _passage_texts(documents: Iterable[Document]) -> dict[TextKey, str]:
    texts: dict[TextKey, str] = {}
    for document in documents:
        for passage in passages(document):
            text = dense_text(passage)
            texts[("passage", text_key(text))] = text
    return texts


def _query_texts(queries: Iterable[str]) -> dict[TextKey, str]:
    texts: dict[TextKey, str] = {}
    for query in queries:
        text = dense_text(query)
        texts[("query", text_key(text))] = text
    return texts


def loaded_demo_texts() -> dict[TextKey, str]:
    """The texts matching embeds for the demo as the database holds it: the passages of every
    published listing and demand, and each published demand as a query."""
    listings, _facts, _owners = index.load_listings()
    demand_documents, _facts, _owners = index.load_demands()
    queries = [f"{document.title}\n{document.abstract}" for document in demand_documents]
    return _passage_texts(listings) | _passage_texts(demand_documents) | _query_texts(queries)


def _spec_demands() -> list[Demand]:
    """The demo demands as ``ipx demo`` will post them (unsaved: only their text is read)."""
    demands = []
    for spec in DEMANDS:
        parsed = DemandInput.parse(demand_values(spec, timezone.localdate()))
        demands.append(Demand(title=parsed.title, description=parsed.description))
    return demands


def _every_listing() -> list[Document]:
    """Every listing of the loaded demo, whatever its status now: those its auctions and deals
    took were published when the demo demands were ranked, and those awaiting review or in
    draft may be published by whoever tries the demo."""
    links = ListingAsset.objects.select_related("asset").order_by("position", "id")
    listings = Listing.objects.prefetch_related(Prefetch("asset_links", queryset=links)).order_by("pk")
    return [listing_document(listing) for listing in listings]


def demo_texts() -> dict[TextKey, str]:
    """What the shipped file covers: the listings of the loaded demo, and the demo demands as
    written in ``demands.py`` (so a demand added there is covered before a load)."""
    demands = _spec_demands()
    return (_passage_texts(_every_listing()) | _passage_texts(demand_document(d) for d in demands)
            | _query_texts(demand_text(d) for d in demands))


def build_vectors_file(embedder: Embedder, path: Path = VECTORS_FILE,
                       progress: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Write the demo's vectors to ``path``, embedding only what the vector cache lacks (and
    keeping what it computes there). Returns (texts written, texts embedded now)."""
    texts = demo_texts()
    cache = default_cache()
    vectors: dict[TextKey, Vectors] = {}
    embedded = 0
    try:
        for kind in ("passage", "query"):
            keys = [key for key in texts if key[0] == kind]
            embedded += len(keys) - len(cache.get_many(embedder.name, kind, [key for _kind, key in keys]))
            matrix = embed_cached(embedder, [texts[key] for key in keys], kind=kind, cache=cache, progress=progress)
            vectors.update(zip(keys, matrix, strict=True))
    finally:
        cache.close()
    return write_vector_file(path, embedder.name, vectors), embedded


def load_demo_vectors(path: Path = VECTORS_FILE, *, rng: random.Random | None = None) -> ImportReport | None:
    """Put the shipped vectors of the loaded demo's texts into the vector cache (checked on a
    sample first) and let every process rebuild its engines; None when matching ranks without
    meaning (the model is switched off or missing: there is nothing to check them with)."""
    embedder = index.current_embedder()
    if embedder is None:
        return None
    cache = default_cache()
    try:
        report = import_vector_file(path, loaded_demo_texts(), embedder, cache, rng=rng)
    finally:
        cache.close()
    if report.imported:
        index.raise_version(index.LISTINGS)
        index.raise_version(index.DEMANDS)
    return report


def describe(report: ImportReport) -> tuple[str, str | None]:
    """What ``ipx demo`` says about the shipped vectors: a line for stdout, and one for stderr
    when the file was refused or does not cover every text."""
    done = f"Meaning-based ranking: {report.imported} of {report.wanted} texts' vectors read from the demo's file."
    if report.problem is not None:
        return done, (f"The demo's vectors were not used: {report.problem}. Matches are ranked by words and "
                      f"facts until the {len(report.missing)} texts are embedded in the background.")
    if report.missing:
        return done, (f"{len(report.missing)} of the demo's texts are not in {VECTORS_FILE.name} (the demo's texts "
                      "changed since it was built; `ipx demo-vectors build` writes it again). They are embedded "
                      "in the background.")
    return done, None
