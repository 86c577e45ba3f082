"""A full rebuild that never takes the serving index away.

Embedded engines: the new index is written as a new generation beside the serving one; the
stamp file, replaced in one rename, then names it, and the old generation is deleted. A
crash before the rename leaves the old index serving and an orphan generation that the next
rebuild removes; an error (a full disk) removes the new generation at once and is recorded
(state ``failed``) for ``index_status`` and the periodic repair. PostgreSQL: one transaction
deletes and reloads the table (readers see the old rows until it commits; DELETE, not
TRUNCATE, whose exclusive lock would stall every search meanwhile). Inside SQLite (the
fallback): the stamp is taken away, then the tables are refilled in short transactions —
one long one would hold the database's only write lock — and stamped again.

Progress (done/total) is written to a small file in the index directory as the load goes;
with several servers on PostgreSQL it is seen on the server doing the rebuild.
"""

from __future__ import annotations

import contextlib
import fcntl
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from ipx.core.identity import database_identity
from ipx.listings.selectors import listings_for_index, published_count
from ipx.search.backends import EMBEDDED, configured_engine, engine_location, make_backend
from ipx.search.backends.base import Progress
from ipx.search.documents import document_for
from ipx.search.stamp import (
    Stamp,
    StampUnreadable,
    index_dir,
    read_json,
    read_stamp,
    remove_stamp,
    schema_version,
    write_json_atomically,
    write_stamp,
)


class RebuildRunning(Exception):
    """Another rebuild of this index holds its lock."""


def progress_path(engine: str) -> Path:
    return index_dir() / f"{engine}.rebuild.json"


def read_progress(engine: str) -> dict[str, object] | None:
    """``{"state": "rebuilding"|"failed", "done", "total", "error", "started_at", "at"}`` or None."""
    try:
        data = read_json(progress_path(engine))
    except StampUnreadable:
        return None  # a torn progress note says nothing; the stamp decides
    return data if isinstance(data, dict) else None


def _note(engine: str, **values: object) -> None:
    # A full disk must not turn a note about progress into the failure itself.
    with contextlib.suppress(OSError):
        write_json_atomically(progress_path(engine), {**values, "at": timezone.now().isoformat()})


def clear_progress(engine: str) -> None:
    progress_path(engine).unlink(missing_ok=True)


@contextmanager
def exclusive(engine: str) -> Iterator[None]:
    """One rebuild or catch-up of this machine's index at a time (the task queue already
    keeps it to one across servers; this also covers ``ipx reindex`` run by hand)."""
    base = index_dir()
    base.mkdir(parents=True, exist_ok=True)
    with open(base / f"{engine}.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RebuildRunning(engine) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _discard(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
        return
    for companion in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        companion.unlink(missing_ok=True)


def remove_orphans(engine: str, keep: str) -> list[str]:
    """Delete every generation of ``engine`` but ``keep`` (left by a crash or replaced)."""
    base = index_dir()
    keep_path = engine_location(engine, base, keep)
    # The never-rebuilt layout, and every generation ("*" stands for the generation's name).
    candidates = [engine_location(engine, base), *base.glob(engine_location(engine, base, "*").name)]
    removed = []
    for path in candidates:
        if path == keep_path or not path.exists():
            continue
        _discard(path)
        removed.append(path.name)
    return removed


def _new_generation(now: datetime) -> str:
    return f"{now:%Y%m%d%H%M%S}-{secrets.token_hex(3)}"


def rebuild_full(progress: Progress | None = None, *, engine: str = "") -> int:
    """Build the whole index of ``engine`` (the configured one by default) anew from the
    published listings and switch to it; returns the number of documents. Raises
    RebuildRunning when another rebuild holds the index."""
    engine = engine or configured_engine()
    with exclusive(engine):
        started = timezone.now()
        total = published_count()
        _note(engine, state="rebuilding", done=0, total=total, started_at=started.isoformat())

        def tick(done: int) -> None:
            _note(engine, state="rebuilding", done=done, total=total, started_at=started.isoformat())
            if progress:
                progress(done)

        try:
            count = _rebuild_in_database(engine, started, tick) if engine not in EMBEDDED else \
                _rebuild_beside(engine, started, tick)
        except Exception as exc:
            _note(engine, state="failed", done=0, total=total, started_at=started.isoformat(),
                  error=f"{type(exc).__name__}: {exc}")
            raise
        clear_progress(engine)
        return count


def _rebuild_beside(engine: str, started: datetime, tick: Progress) -> int:
    try:
        previous = read_stamp(engine)
    except StampUnreadable:
        previous = None
    old = previous.generation if previous else ""
    remove_orphans(engine, keep=old)
    generation = _new_generation(started)
    location = engine_location(engine, index_dir(), generation)
    try:
        backend = make_backend(engine, index_dir(), generation=generation)
        try:
            count = backend.bulk_load((document_for(listing) for listing in listings_for_index()), progress=tick)
        finally:
            backend.close()
        # The watermark is the start: changes during the load reach the old index through the
        # handlers, and the next catch-up applies them to this one.
        write_stamp(Stamp(identity=database_identity(), engine=engine, schema=schema_version(engine),
                          watermark=started, built_at=timezone.now(), count=count, generation=generation))
    except BaseException:
        _discard(location)
        raise
    remove_orphans(engine, keep=generation)
    return count


def _rebuild_in_database(engine: str, started: datetime, tick: Progress) -> int:
    from ipx.search.backends.postgres import PostgresBackend
    from ipx.search.backends.sqlite_database import SqliteDatabaseBackend

    backend = make_backend(engine)
    assert isinstance(backend, PostgresBackend | SqliteDatabaseBackend)
    documents = (document_for(listing) for listing in listings_for_index())
    if isinstance(backend, PostgresBackend):
        with transaction.atomic():
            count = backend.replace_all(documents, progress=tick)
            _stamp_now(engine, started, count)
        return count
    remove_stamp(engine)
    count = backend.replace_all(documents, progress=tick)
    _stamp_now(engine, started, count)
    return count


def _stamp_now(engine: str, started: datetime, count: int) -> None:
    write_stamp(Stamp(identity=database_identity(), engine=engine, schema=schema_version(engine),
                      watermark=started, built_at=timezone.now(), count=count))


def rebuild_task(engine: str = "") -> int:
    """The task the periodic repair queues; a rebuild already running is no failure."""
    try:
        return rebuild_full(engine=engine)
    except RebuildRunning:
        return 0
