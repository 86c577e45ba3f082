"""``ipx backup``: one consistent snapshot of an installation, made while the site serves.

The database goes first, then the files: a file is written before the row that names it
commits, so every file the snapshot's rows name is already on disk when the files are
copied (files added after the snapshot come along too, and do no harm). Everything is
written into a hidden folder beside the destination (``.partial-…``), the manifest last,
and only then is the folder renamed to its final name: a backup that was interrupted (a
full disk, a killed process) never looks complete, and is removed when the error is seen.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.backups import database, vault
from ipx.backups.errors import BackupRefused
from ipx.backups.manifest import CHUNK, FileEntry, Manifest, entry_for, write_manifest
from ipx.core.identity import database_identity
from ipx.dataip import signing
from ipx.ledger.selectors import platform_totals

PREFIX = "ipx-backup-"
PARTIAL = ".partial-"
SECRETS_FILE = "secrets.bin"
NAME_FORMAT = "%Y%m%dT%H%M%S%fZ"


@dataclass(frozen=True)
class BackupMade:
    path: Path
    manifest: Manifest


def file_roots() -> dict[str, Path]:
    """The folders of uploaded files, by their name inside a backup."""
    return {"files/private": Path(settings.IPX_PRIVATE_ROOT), "files/media": Path(settings.MEDIA_ROOT)}


def secret_files() -> dict[str, Path]:
    """Secrets by their name inside the sealed blob: the registry's signing key and its
    public half (kept with it: certificates are checked against it)."""
    key = signing.key_path()
    return {"dataip_key": key, "dataip_public_key": key.with_suffix(".pub.pem")}


def ledger_totals() -> dict[str, dict[str, str]]:
    return {total.currency: {"deposited": str(total.deposited), "paid_out": str(total.paid_out),
                             "available": str(total.available), "escrow": str(total.escrow),
                             "fee_income": str(total.fee_income)} for total in platform_totals()}


def backup_create(*, destination: Path, passphrase: bytes | None = None, now: datetime | None = None) -> BackupMade:
    """A new backup folder in ``destination`` (made if missing); secrets only with a passphrase."""
    taken = now or timezone.now()
    name = PREFIX + taken.astimezone(UTC).strftime(NAME_FORMAT)
    try:
        destination.mkdir(parents=True, exist_ok=True)
        work = destination / (PARTIAL + name)
        work.mkdir()
    except OSError as exc:
        raise _refusal(exc, destination) from None
    try:
        manifest = _write(work, taken, passphrase)
        final = destination / name
        os.replace(work, final)
    except OSError as exc:
        shutil.rmtree(work, ignore_errors=True)
        raise _refusal(exc, destination) from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return BackupMade(path=final, manifest=manifest)


def _refusal(exc: OSError, destination: Path) -> BackupRefused:
    reason = exc.strerror or str(exc)
    return BackupRefused(_("The backup could not be written to %(destination)s: %(reason)s. Nothing was kept "
                           "there; the site is unaffected.") % {"destination": destination, "reason": reason})


def _write(work: Path, taken: datetime, passphrase: bytes | None) -> Manifest:
    files: dict[str, FileEntry] = {}
    database_file = database.database_file()
    identity = database_identity()
    # The database first (see the module's note), and what the manifest says of it read from
    # the same snapshot: the site's commits meanwhile are in neither.
    with database.snapshot() as copy:
        migrations, totals = database.applied_migrations(), ledger_totals()
        copy(work / database_file)
    files[database_file] = entry_for(work / database_file)
    for prefix, root in file_roots().items():
        for relative in _walk(root):
            try:
                files[f"{prefix}/{relative.as_posix()}"] = _copy(root / relative, work / prefix / relative)
            except FileNotFoundError:
                if (root / relative).exists():
                    raise
                continue  # deleted since the folder was listed: no row of the snapshot needs it
    sealed_with: dict[str, str] = {}
    if passphrase is not None:
        secrets = {name: path.read_bytes() for name, path in secret_files().items() if path.exists()}
        sealed, sealed_with = vault.seal(secrets, passphrase)
        (work / SECRETS_FILE).write_bytes(sealed)
        files[SECRETS_FILE] = entry_for(work / SECRETS_FILE)
    manifest = Manifest(created_at=taken.astimezone(UTC).isoformat(), vendor=database.vendor(), identity=identity,
                        database_file=database_file, migrations=migrations, ledger_totals=totals, files=files,
                        secrets=sealed_with)
    write_manifest(work, manifest)
    return manifest


def _walk(root: Path) -> Iterator[Path]:
    """Regular files under ``root``, relative to it, in a stable order; none when it is missing."""
    if not root.is_dir():
        return
    for folder, subfolders, names in os.walk(root):
        subfolders.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root)


def _copy(source: Path, target: Path) -> FileEntry:
    """Copies and hashes what was written (a file still being appended to is saved as read)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with source.open("rb") as reader, target.open("wb") as writer:
        while chunk := reader.read(CHUNK):
            writer.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    return FileEntry(sha256=digest.hexdigest(), size=size)
