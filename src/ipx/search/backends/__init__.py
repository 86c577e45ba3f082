"""Search engines behind one interface; ``get_backend()`` returns the configured one."""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings

from ipx.search.backends.base import SearchBackend

_lock = threading.Lock()
_backends: dict[tuple[str, str], SearchBackend] = {}

NAMES = ("tantivy", "sqlite-fts", "postgres")


def make_backend(name: str, location: Path | None = None) -> SearchBackend:
    """A fresh backend; ``location`` is a directory for the embedded engines."""
    location = location or Path(settings.IPX_SEARCH_INDEX_DIR)
    if name == "tantivy":
        from ipx.search.backends.tantivy_engine import TantivyBackend

        return TantivyBackend(location / "tantivy")
    if name == "sqlite-fts":
        from ipx.search.backends.sqlite_fts import SqliteFtsBackend

        return SqliteFtsBackend(location / "fts5.sqlite3")
    if name == "postgres":
        from ipx.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    raise ValueError(f"unknown search backend {name!r}; choose one of {', '.join(NAMES)}")


def get_backend() -> SearchBackend:
    key = (settings.IPX_SEARCH_BACKEND, str(settings.IPX_SEARCH_INDEX_DIR))
    with _lock:
        backend = _backends.get(key)
        if backend is None:
            backend = _backends[key] = make_backend(*key[:1])
        return backend


def reset_backends() -> None:
    """Forget open engines (tests point settings at a new index directory)."""
    with _lock:
        for backend in _backends.values():
            backend.close()
        _backends.clear()
