"""A backup's manifest: what it holds and how to check it before anything is restored.

A backup is a folder: ``database/`` (the SQLite copy or the PostgreSQL dump), ``files/private``
and ``files/media`` (the uploaded files), ``secrets.bin`` when asked for (encrypted), and
``manifest.json``, written last: a folder without it is no backup (one being written, or
one that was interrupted). The manifest names the format and the project, the time, the
database (vendor, identity), the applied migrations, the SHA-256 and size of every file, the
ledger's totals per currency, and how the secrets were sealed.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.utils.translation import gettext as _

from ipx.backups.errors import BackupRefused

PROJECT = "ipx"
FORMAT = "ipx-backup/1"
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class FileEntry:
    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    created_at: str  # ISO 8601, UTC: when the database snapshot was taken
    vendor: str  # "sqlite" or "postgresql"
    identity: str  # the database's identity (ipx.core.identity)
    database_file: str  # path inside the backup
    migrations: list[str]  # applied migrations, "app.name", sorted
    ledger_totals: dict[str, dict[str, str]]  # currency → field → amount
    files: dict[str, FileEntry]  # path inside the backup → its digest and size
    secrets: dict[str, str] = field(default_factory=dict)  # how secrets.bin was sealed; empty: none
    project: str = PROJECT
    format: str = FORMAT

    def as_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True, ensure_ascii=False)

    @property
    def total_size(self) -> int:
        return sum(entry.size for entry in self.files.values())


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def entry_for(path: Path) -> FileEntry:
    return FileEntry(sha256=sha256_of(path), size=path.stat().st_size)


def safe_relative(name: str) -> PurePosixPath:
    """A path inside the backup; one that climbs out of it or is absolute is corruption."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupRefused(_("The backup's manifest names a path outside the backup (%(path)s).") % {"path": name})
    return path


def read_manifest(folder: Path) -> Manifest:
    """The manifest of the backup in ``folder``, checked for shape and origin (not yet for
    the files it lists: ``verify_files``)."""
    path = folder / MANIFEST
    if not folder.is_dir():
        raise BackupRefused(_("%(path)s is not a folder holding a backup.") % {"path": folder})
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupRefused(_("%(path)s holds no manifest.json: it is not a backup, or its writing was "
                              "interrupted.") % {"path": folder}) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BackupRefused(_("The backup's manifest cannot be read (%(error)s): the backup is damaged or "
                              "truncated.") % {"error": exc}) from None
    if not isinstance(raw, dict) or raw.get("project") != PROJECT:
        raise BackupRefused(_("This backup was not made by IPX (its manifest names another project)."))
    if raw.get("format") != FORMAT:
        raise BackupRefused(_("This backup has the format %(format)s; this version of IPX reads %(known)s only. "
                              "Restore it with the version that made it.") % {
                                  "format": raw.get("format"), "known": FORMAT})
    try:
        return _parsed(raw)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BackupRefused(_("The backup's manifest is incomplete (%(error)s): the backup is damaged.") % {
            "error": exc}) from None


def _parsed(raw: Mapping[str, Any]) -> Manifest:
    files = {str(name): FileEntry(sha256=str(entry["sha256"]), size=int(entry["size"]))
             for name, entry in dict(raw["files"]).items()}
    for name in files:
        safe_relative(name)
    totals = {str(currency): {str(key): str(value) for key, value in dict(amounts).items()}
              for currency, amounts in dict(raw["ledger_totals"]).items()}
    return Manifest(created_at=str(raw["created_at"]), vendor=str(raw["vendor"]), identity=str(raw["identity"]),
                    database_file=str(raw["database_file"]), migrations=[str(m) for m in raw["migrations"]],
                    ledger_totals=totals, files=files,
                    secrets={str(k): str(v) for k, v in dict(raw.get("secrets") or {}).items()})


def verify_files(folder: Path, manifest: Manifest) -> None:
    """Every file the manifest lists is there with its size and digest."""
    if manifest.database_file not in manifest.files:
        raise BackupRefused(_("The backup's manifest lists no database file: the backup is damaged."))
    for name, entry in sorted(manifest.files.items()):
        path = folder / safe_relative(name)
        try:
            size = path.stat().st_size
        except OSError:
            raise BackupRefused(_("The backup lacks %(file)s: it is incomplete.") % {"file": name}) from None
        if size != entry.size:
            raise BackupRefused(_("%(file)s has %(size)d bytes where the manifest says %(expected)d: the backup "
                                  "is truncated or damaged.") % {"file": name, "size": size,
                                                                 "expected": entry.size})
        if sha256_of(path) != entry.sha256:
            raise BackupRefused(_("%(file)s does not match its SHA-256 in the manifest: the backup is damaged.")
                                % {"file": name})


def write_manifest(folder: Path, manifest: Manifest) -> None:
    path = folder / MANIFEST
    with path.open("w", encoding="utf-8") as out:
        out.write(manifest.as_json())
        out.flush()
        os.fsync(out.fileno())
