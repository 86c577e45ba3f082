"""Vectors shipped in a file: written once from the vector cache, read back into it elsewhere.

A catalogue known in advance (the demo's) need not wait minutes for its vectors on every new
installation: its vectors are written into a compact file (float16, about 0.8 kB a text)
with the model's name and, per text, the cache key (a hash of the exact text embedded).
Reading it puts into the cache only the vectors of texts asked for, and only after checking
a random sample of them against the live model: a file of another model, of other texts,
damaged, or computed wrongly is refused as a whole, with the reason, and its texts are then
embedded like any others. Wrong vectors are never used as meaning.

The file is a NumPy ``.npz`` archive (no pickled objects): ``format``, ``model``, ``kinds``
(0 passage, 1 query), ``keys`` (16 bytes each), ``vectors`` (float16) and ``digest`` (a
BLAKE2b of all of them, so a changed byte is found before any vector is used).
"""

from __future__ import annotations

import hashlib
import random
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ipx.matching.retrieval.embedding import Embedder, VectorCache, Vectors

FORMAT = 1
KINDS = ("passage", "query")
# A float16 copy of a unit vector keeps a cosine above 0.9999 with it; a vector of another
# text or model is far below this.
MIN_COSINE = 0.99
SAMPLE = 8

TextKey = tuple[str, bytes]  # (kind, cache key)


class VectorFileError(ValueError):
    """The file cannot be used: the message says why."""


@dataclass(frozen=True)
class VectorFile:
    model: str
    entries: dict[TextKey, npt.NDArray[np.float16]]


@dataclass
class ImportReport:
    """What reading a file into the cache did; ``problem`` is set when the file was refused."""

    wanted: int
    imported: int = 0
    problem: str | None = None
    sampled: int = 0
    missing: list[TextKey] = field(default_factory=list)  # wanted texts the cache still lacks


def _digest(model: str, kinds: npt.NDArray[np.uint8], keys: npt.NDArray[np.uint8],
            vectors: npt.NDArray[np.float16]) -> str:
    h = hashlib.blake2b(digest_size=32)
    for part in (model.encode("utf-8"), kinds.tobytes(), keys.tobytes(), vectors.tobytes()):
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def write_vector_file(path: Path, model: str, entries: Mapping[TextKey, Vectors]) -> int:
    """Write ``entries`` (sorted, so the same vectors make the same file); returns the count."""
    items = sorted(entries.items())
    kinds = np.asarray([KINDS.index(kind) for (kind, _key), _vec in items], dtype=np.uint8)
    keys = np.frombuffer(b"".join(key for (_kind, key), _vec in items), dtype=np.uint8).reshape(len(items), -1)
    vectors = np.stack([np.asarray(vec, dtype=np.float16) for _item, vec in items])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        np.savez_compressed(out, format=np.asarray([FORMAT]), model=np.asarray(model), kinds=kinds, keys=keys,
                            vectors=vectors, digest=np.asarray(_digest(model, kinds, keys, vectors)))
    return len(items)


def read_vector_file(path: Path) -> VectorFile:
    """The file's vectors; raises :class:`VectorFileError` naming what is wrong with it."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            version = int(archive["format"][0])
            model = str(archive["model"])
            kinds, keys, vectors = archive["kinds"], archive["keys"], archive["vectors"]
            digest = str(archive["digest"])
    except FileNotFoundError as exc:
        raise VectorFileError(f"{path} does not exist") from exc
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, ValueError, IndexError) as exc:
        raise VectorFileError(f"{path} is truncated or damaged ({exc.__class__.__name__}: {exc})") from exc
    if version != FORMAT:
        raise VectorFileError(f"{path} is in format {version}; this IPX reads format {FORMAT}")
    if not (kinds.dtype == np.uint8 and keys.dtype == np.uint8 and vectors.dtype == np.float16
            and kinds.ndim == 1 and keys.ndim == 2 and vectors.ndim == 2
            and len(kinds) == len(keys) == len(vectors)):
        raise VectorFileError(f"{path} does not hold vectors in the expected shape")
    if _digest(model, kinds, keys, vectors) != digest:
        raise VectorFileError(f"{path} is damaged: its contents do not match the digest written with them")
    if len(kinds) and int(kinds.max()) >= len(KINDS):
        raise VectorFileError(f"{path} names a kind of text this IPX does not know")
    entries = {(KINDS[int(kind)], bytes(key)): vector for kind, key, vector in zip(kinds, keys, vectors, strict=True)}
    return VectorFile(model=model, entries=entries)


def _sample_problem(embedder: Embedder, file: VectorFile, texts: Mapping[TextKey, str],
                    found: Sequence[TextKey], sample: int, rng: random.Random) -> tuple[int, str | None]:
    """Embed a random sample of the found texts with the live model and compare."""
    chosen = rng.sample(list(found), min(sample, len(found)))
    disagreeing = 0
    for kind in KINDS:
        keys = [key for key in chosen if key[0] == kind]
        if not keys:
            continue
        embed = embedder.embed_passages if kind == "passage" else embedder.embed_queries
        live = embed([texts[key] for key in keys])
        for row, key in enumerate(keys):
            shipped = file.entries[key].astype(np.float32)
            norm = float(np.linalg.norm(shipped)) * float(np.linalg.norm(live[row]))
            cosine = float(np.dot(shipped, live[row])) / norm if norm else 0.0
            if not cosine >= MIN_COSINE:
                disagreeing += 1
    if disagreeing:
        return len(chosen), (f"{disagreeing} of {len(chosen)} sampled vectors disagree with the model "
                             f"(cosine below {MIN_COSINE}): the file holds vectors of other texts or is wrong")
    return len(chosen), None


def import_vector_file(path: Path, texts: Mapping[TextKey, str], embedder: Embedder, cache: VectorCache, *,
                       sample: int = SAMPLE, rng: random.Random | None = None) -> ImportReport:
    """Put into ``cache`` the file's vectors of ``texts`` ((kind, key) → the exact text embedded)
    after checking ``sample`` of them against ``embedder``. Texts the cache holds already are
    left alone; the report lists those it still lacks (all of them when the file is refused)."""
    cached = {(kind, key) for kind in KINDS
              for key in cache.get_many(embedder.name, kind, [k for knd, k in texts if knd == kind])}
    wanted = [key for key in texts if key not in cached]
    report = ImportReport(wanted=len(wanted))
    if not wanted:
        return report
    try:
        file = read_vector_file(path)
    except VectorFileError as exc:
        report.problem = str(exc)
        report.missing = wanted
        return report
    if file.model != embedder.name:
        report.problem = f"{path} holds vectors of the model {file.model}; IPX uses {embedder.name}"
        report.missing = wanted
        return report
    found = [key for key in wanted if key in file.entries]
    report.sampled, report.problem = _sample_problem(embedder, file, texts, found, sample, rng or random.Random())
    if report.problem is not None:
        report.missing = wanted
        return report
    for kind in KINDS:
        rows = []
        for key in found:
            if key[0] == kind:
                vector = file.entries[key].astype(np.float32)
                rows.append((key[1], vector / max(float(np.linalg.norm(vector)), 1e-12)))
        if rows:
            cache.put_many(embedder.name, kind, rows)
    report.imported = len(found)
    report.missing = [key for key in wanted if key not in file.entries]
    return report


__all__ = [
    "FORMAT",
    "MIN_COSINE",
    "SAMPLE",
    "ImportReport",
    "TextKey",
    "VectorFile",
    "VectorFileError",
    "import_vector_file",
    "read_vector_file",
    "write_vector_file",
]
