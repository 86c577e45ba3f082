"""Search engines behind one interface; ``get_backend()`` returns the configured one."""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings

from ipx.search.backends.base import SearchBackend
from ipx.search.stamp import current_generation

_lock = threading.Lock()
_backends: dict[tuple[str, str, str], SearchBackend] = {}

NAMES = ("tantivy", "sqlite-fts", "postgres")


EMBEDDED = ("tantivy", "sqlite-fts")


def engine_location(name: str, base: Path, generation: str = "") -> Path:
    """Where an embedded engine keeps one generation of its index inside ``base``; a full
    rebuild writes a new generation beside the serving one (no generation: the layout of an
    index never rebuilt, which handlers fill from an empty start)."""
    suffix = f"-{generation}" if generation else ""
    if name == "tantivy":
        return base / f"tantivy{suffix}"
    if name == "sqlite-fts":
        return base / f"fts5{suffix}.sqlite3"
    raise ValueError(f"{name!r} keeps no index files")


def make_backend(name: str, location: Path | None = None, *, generation: str = "") -> SearchBackend:
    """A fresh backend; ``location`` is the index directory of the embedded engines."""
    location = location or Path(settings.IPX_SEARCH_INDEX_DIR)
    if name == "tantivy":
        from ipx.search.backends.tantivy_engine import TantivyBackend

        return TantivyBackend(engine_location(name, location, generation))
    if name == "sqlite-fts":
        from ipx.search.backends.sqlite_fts import SqliteFtsBackend

        return SqliteFtsBackend(engine_location(name, location, generation))
    if name == "postgres":
        from ipx.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    raise ValueError(f"unknown search backend {name!r}; choose one of {', '.join(NAMES)}")


def get_backend() -> SearchBackend:
    """The configured engine, opened on the generation its stamp names (so a rebuild's switch
    in any process is followed by every other at its next search)."""
    name, base = settings.IPX_SEARCH_BACKEND, Path(settings.IPX_SEARCH_INDEX_DIR)
    generation = current_generation(name, base) if name in EMBEDDED else ""
    key = (name, str(base), generation)
    with _lock:
        backend = _backends.get(key)
        if backend is None:
            # The previous generation is dropped, not closed: a search in another thread
            # may still be reading it; it goes when the last reference does.
            for old in [k for k in _backends if k[:2] == key[:2]]:
                del _backends[old]
            backend = _backends[key] = make_backend(name, base, generation=generation)
        return backend


def reset_backends() -> None:
    """Forget open engines (tests point settings at a new index directory)."""
    with _lock:
        for backend in _backends.values():
            backend.close()
        _backends.clear()
