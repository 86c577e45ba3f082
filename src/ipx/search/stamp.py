"""What an index records about itself: the database it was built from (its identity), its
engine and layout, the time up to which changes are applied (the watermark), when it was
built and how many documents it held then, and — for the embedded engines — which
generation (directory or file) is the one serving. The stamp file is the switch between
generations: a rebuild writes a new generation, then replaces the stamp in one
``os.replace``, so readers see the old index or the new one, never half of either."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings

# Bumped when a stamp's own fields change meaning.
STAMP_FORMAT = 1
# Engines whose index lives in the database: their stamp is a row beside it (``IndexStamp``).
IN_DATABASE = ("postgres", "sqlite-db")


class StampUnreadable(Exception):
    """The stamp exists but cannot be read (truncated or edited by hand)."""


@dataclass(frozen=True)
class Stamp:
    identity: str
    engine: str
    schema: str
    watermark: datetime
    built_at: datetime
    count: int
    generation: str = ""

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = asdict(self)
        data["watermark"] = self.watermark.isoformat()
        data["built_at"] = self.built_at.isoformat()
        data["format"] = STAMP_FORMAT
        return data

    @classmethod
    def from_json(cls, data: object) -> Stamp:
        if not isinstance(data, dict):
            raise StampUnreadable("not an object")
        try:
            return cls(identity=str(data["identity"]), engine=str(data["engine"]), schema=str(data["schema"]),
                       watermark=datetime.fromisoformat(str(data["watermark"])),
                       built_at=datetime.fromisoformat(str(data["built_at"])), count=int(data["count"]),
                       generation=str(data.get("generation") or ""))
        except (KeyError, TypeError, ValueError) as exc:
            raise StampUnreadable(str(exc)) from exc


def schema_version(engine: str) -> str:
    """The layout an index of ``engine`` must have; another one is rebuilt, not misread."""
    if engine == "tantivy":
        from ipx.search.backends.tantivy_engine import SCHEMA_VERSION

        return f"tantivy-{SCHEMA_VERSION}"
    if engine == "postgres":
        from ipx.search.backends.postgres import SCHEMA_VERSION as POSTGRES_VERSION

        return f"postgres-{POSTGRES_VERSION}"
    return f"{engine}-1"


def index_dir() -> Path:
    return Path(settings.IPX_SEARCH_INDEX_DIR)


def stamp_path(engine: str, base: Path) -> Path:
    return base / f"{engine}.stamp.json"


def write_json_atomically(path: Path, data: object) -> None:
    """Write to a temporary file beside ``path``, flush it to disk, then rename it over
    ``path``: a crash or a full disk leaves the previous file whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def read_json(path: Path) -> object | None:
    """The file's JSON, None when there is no file; StampUnreadable when it is not JSON."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        data: object = json.loads(text)
    except ValueError as exc:
        raise StampUnreadable(str(exc)) from exc
    return data


def read_stamp(engine: str) -> Stamp | None:
    """The stamp of ``engine``'s index; None when there is none; StampUnreadable when broken."""
    if engine in IN_DATABASE:
        from ipx.search.models import IndexStamp

        row = IndexStamp.objects.filter(engine=engine).first()
        if row is None:
            return None
        return Stamp(identity=row.identity, engine=row.engine, schema=row.schema, watermark=row.watermark,
                     built_at=row.built_at, count=row.count, generation=row.generation)
    return _read_stamp_file(stamp_path(engine, index_dir()))


_stamps: dict[Path, tuple[tuple[int, int, int], Stamp]] = {}


def _read_stamp_file(path: Path) -> Stamp | None:
    """Parsed once per version of the file: every search consults it."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    # Every write is a rename, so a new inode: a change within the clock's resolution shows.
    version = (info.st_ino, info.st_mtime_ns, info.st_size)
    cached = _stamps.get(path)
    if cached and cached[0] == version:
        return cached[1]
    data = read_json(path)
    if data is None:
        return None
    stamp = Stamp.from_json(data)
    _stamps[path] = (version, stamp)
    return stamp


def write_stamp(stamp: Stamp) -> None:
    if stamp.engine in IN_DATABASE:
        from ipx.search.models import IndexStamp

        IndexStamp.objects.update_or_create(engine=stamp.engine, defaults={
            "identity": stamp.identity, "schema": stamp.schema, "watermark": stamp.watermark,
            "built_at": stamp.built_at, "count": stamp.count, "generation": stamp.generation})
        return
    write_json_atomically(stamp_path(stamp.engine, index_dir()), stamp.as_json())


def remove_stamp(engine: str) -> None:
    """Stop trusting ``engine``'s index until a new stamp is written (a reload in place)."""
    if engine in IN_DATABASE:
        from ipx.search.models import IndexStamp

        IndexStamp.objects.filter(engine=engine).delete()
    else:
        stamp_path(engine, index_dir()).unlink(missing_ok=True)


def current_generation(engine: str, base: Path) -> str:
    """The generation the stamp names (cached while the file is unchanged: every search asks).
    No stamp, or an unreadable one: the never-rebuilt layout."""
    try:
        stamp = _read_stamp_file(stamp_path(engine, base))
    except StampUnreadable:
        return ""
    return stamp.generation if stamp else ""
