"""Shipped vector files: read into the cache only after a sample agrees with the model; a file
of another model, of other texts, with wrong vectors, truncated or altered is refused with
the reason, and its texts are left for the background to embed (never used as meaning)."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from ipx.matching.matches.shipped import (
    FORMAT,
    TextKey,
    VectorFileError,
    import_vector_file,
    read_vector_file,
    write_vector_file,
)
from ipx.matching.retrieval.embedding import VectorCache, text_key
from ipx.matching.tests.match_helpers import HashEmbedder, patent_text

DOCS = ("test0057", "test0373", "test0208", "test0562", "test0257", "test0117")


def texts_of(docs: tuple[str, ...] = DOCS, query: str | None = "Air conditioner control that learns user habits",
             ) -> dict[TextKey, str]:
    texts: dict[TextKey, str] = {}
    for doc in docs:
        patent = patent_text(doc)
        passage = f"{patent.title}。{patent.abstract}"
        texts[("passage", text_key(passage))] = passage
    if query is not None:
        texts[("query", text_key(query))] = query
    return texts


def vectors_of(model: HashEmbedder, texts: dict[TextKey, str]) -> dict[TextKey, np.ndarray]:
    return {key: (model.embed_passages if key[0] == "passage" else model.embed_queries)([text])[0]
            for key, text in texts.items()}


@pytest.fixture
def model() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture
def cache(tmp_path: Path) -> VectorCache:
    return VectorCache(tmp_path / "cache" / "vectors.sqlite3")


def cached(cache: VectorCache, model: HashEmbedder, texts: dict[TextKey, str]) -> int:
    return sum(len(cache.get_many(model.name, kind, [key for k, key in texts if k == kind]))
               for kind in ("passage", "query"))


def test_a_good_file_fills_the_cache_after_a_sample_agrees(tmp_path: Path, model: HashEmbedder,
                                                           cache: VectorCache) -> None:
    texts = texts_of()
    path = tmp_path / "vectors.npz"
    assert write_vector_file(path, model.name, vectors_of(model, texts)) == 7
    embedded_before = model.passages + model.queries

    report = import_vector_file(path, texts, model, cache, sample=3, rng=random.Random(1))

    assert (report.problem, report.wanted, report.imported, report.sampled, report.missing) == (None, 7, 7, 3, [])
    assert model.passages + model.queries - embedded_before == 3  # only the sample was embedded
    key = next(k for k in texts if k[0] == "passage")
    stored = cache.get_many(model.name, "passage", [key[1]])[key[1]]
    expected = model.embed_passages([texts[key]])[0]
    assert stored.dtype == np.float32 and float(np.dot(stored, expected)) > 0.9999
    # Read again: everything is cached already, so the file is not even opened.
    again = import_vector_file(tmp_path / "gone.npz", texts, model, cache)
    assert (again.wanted, again.imported, again.problem) == (0, 0, None)


def test_texts_the_file_lacks_are_reported_missing(tmp_path: Path, model: HashEmbedder, cache: VectorCache) -> None:
    texts = texts_of()
    path = tmp_path / "vectors.npz"
    write_vector_file(path, model.name, vectors_of(model, texts_of(DOCS[:4])))

    report = import_vector_file(path, texts, model, cache, sample=8)

    assert report.problem is None and report.imported == 5  # four passages and the query
    assert sorted(report.missing) == sorted(key for key in texts if key not in texts_of(DOCS[:4]))
    assert cached(cache, model, texts) == 5


def test_a_file_of_other_texts_gives_no_vector(tmp_path: Path, model: HashEmbedder, cache: VectorCache) -> None:
    """Hashes of other texts (the demo's texts changed since the file was built) match nothing."""
    texts = texts_of(DOCS[:3])
    path = tmp_path / "vectors.npz"
    write_vector_file(path, model.name, vectors_of(model, texts_of(DOCS[3:], query="Battery cooling")))

    report = import_vector_file(path, texts, model, cache)

    assert (report.imported, sorted(report.missing)) == (0, sorted(texts))
    assert cached(cache, model, texts) == 0


def test_a_file_of_another_model_is_refused(tmp_path: Path, model: HashEmbedder, cache: VectorCache) -> None:
    texts = texts_of()
    path = tmp_path / "vectors.npz"
    write_vector_file(path, "multilingual-e5-large", vectors_of(model, texts))

    report = import_vector_file(path, texts, model, cache)

    assert report.problem == f"{path} holds vectors of the model multilingual-e5-large; IPX uses {model.name}"
    assert (report.imported, len(report.missing)) == (0, 7)
    assert cached(cache, model, texts) == 0


def test_vectors_that_disagree_with_the_model_are_refused_as_a_whole(tmp_path: Path, model: HashEmbedder,
                                                                      cache: VectorCache) -> None:
    """Each text's hash is right but its vector is another text's: the sample finds it."""
    texts = texts_of()
    keys = sorted(texts)
    vectors = vectors_of(model, texts)
    shuffled = {key: vectors[keys[(i + 1) % len(keys)]] for i, key in enumerate(keys)}
    path = tmp_path / "vectors.npz"
    write_vector_file(path, model.name, shuffled)

    report = import_vector_file(path, texts, model, cache, sample=2, rng=random.Random(3))

    assert report.problem is not None and "sampled vectors disagree with the model" in report.problem
    assert (report.imported, len(report.missing)) == (0, 7)
    assert cached(cache, model, texts) == 0


def test_a_truncated_file_is_refused(tmp_path: Path, model: HashEmbedder, cache: VectorCache) -> None:
    texts = texts_of()
    path = tmp_path / "vectors.npz"
    write_vector_file(path, model.name, vectors_of(model, texts))
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])

    with pytest.raises(VectorFileError, match="is truncated or damaged"):
        read_vector_file(path)
    report = import_vector_file(path, texts, model, cache)
    assert report.problem is not None and "truncated or damaged" in report.problem
    assert (report.imported, len(report.missing)) == (0, 7)


def _save(path: Path, **arrays: np.ndarray) -> None:
    with path.open("wb") as out:
        np.savez(out, **arrays)  # type: ignore[arg-type]  # the stub reads ** as allow_pickle too


def test_altered_contents_and_other_formats_are_refused(tmp_path: Path, model: HashEmbedder) -> None:
    path = tmp_path / "vectors.npz"
    write_vector_file(path, model.name, vectors_of(model, texts_of()))
    with np.load(path) as archive:
        arrays = {name: archive[name] for name in archive.files}

    altered = arrays | {"vectors": arrays["vectors"] * np.float16(-1)}
    _save(path, **altered)
    with pytest.raises(VectorFileError, match="do not match the digest"):
        read_vector_file(path)

    _save(path, **(arrays | {"format": np.asarray([FORMAT + 1])}))
    with pytest.raises(VectorFileError, match=f"format {FORMAT + 1}; this IPX reads format {FORMAT}"):
        read_vector_file(path)

    _save(path, **{name: array for name, array in arrays.items() if name != "digest"})
    with pytest.raises(VectorFileError, match="truncated or damaged"):
        read_vector_file(path)

    with pytest.raises(VectorFileError, match="does not exist"):
        read_vector_file(tmp_path / "nowhere.npz")
