"""Search engines behind one interface; ``get_backend()`` returns the configured one."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from django.conf import settings
from django.db import connection

from ipx.search.backends.base import SearchBackend
from ipx.search.stamp import current_generation

_lock = threading.Lock()
_backends: dict[tuple[str, str, str], SearchBackend] = {}

NAMES = ("tantivy", "sqlite-fts", "sqlite-db", "postgres")
EMBEDDED = ("tantivy", "sqlite-fts")


def configured_engine() -> str:
    return str(settings.IPX_SEARCH_BACKEND)


def database_engine() -> str:
    """The engine whose index lives in the database itself (a copy of the database carries
    it): the one that answers while an embedded engine's files cannot."""
    return "postgres" if connection.vendor == "postgresql" else "sqlite-db"


def kept_engines() -> tuple[str, ...]:
    """The engines every change is written to: the configured one, and the database's own
    beside an embedded one."""
    configured, fallback = configured_engine(), database_engine()
    return (configured,) if configured == fallback else (configured, fallback)


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
    if name == "sqlite-db":
        from ipx.search.backends.sqlite_database import SqliteDatabaseBackend

        return SqliteDatabaseBackend()
    if name == "postgres":
        from ipx.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    raise ValueError(f"unknown search backend {name!r}; choose one of {', '.join(NAMES)}")


def get_backend(name: str = "") -> SearchBackend:
    """The engine ``name`` (the configured one by default), opened on the generation its stamp
    names (so a rebuild's switch in any process is followed by every other at its next search)."""
    name, base = name or configured_engine(), Path(settings.IPX_SEARCH_INDEX_DIR)
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


def _forget_after_fork() -> None:
    """In a forked child, forget the engines the parent opened. ``ipx serve`` checks the index
    before gunicorn forks its workers; a tantivy index opened then would be the workers' for
    good, and its reader follows other processes' commits from a thread of the parent's,
    which a fork does not copy: the workers never saw the task worker's changes (a reserved
    listing stayed in their search results). Each child opens its own at its first search."""
    global _lock
    _lock = threading.Lock()
    _backends.clear()


os.register_at_fork(after_in_child=_forget_after_fork)


def reset_backends() -> None:
    """Forget open engines (tests point settings at a new index directory)."""
    with _lock:
        for backend in _backends.values():
            backend.close()
        _backends.clear()
