"""``ipx restore``: a backup into an empty installation, checked before anything is written.

First every check that needs no write: the manifest (an IPX backup, a format this version
reads), the database's vendor, the migrations (none newer than this code's), every file's
size and SHA-256, and the passphrase when the backup holds secrets. Then the installation
must be empty: no table in its database, no uploaded file, no signing key. Only then is
anything written: the database, the files, the secrets; the schema migrated (a backup of an
older release), ``ledger-check`` run and the ledger's totals compared with the manifest's.
If any of that fails, what was written is taken away again and the installation is empty as
before. Last the derived state is rebuilt (the search index; the matching vectors are
queued), which a failure does not undo: the commands that rebuild them can be run again.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from ipx.backups import database, vault
from ipx.backups.errors import BackupRefused
from ipx.backups.manifest import Manifest, read_manifest, safe_relative, verify_files
from ipx.backups.snapshot import SECRETS_FILE, file_roots, ledger_totals, secret_files


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    files: int  # uploaded files written
    secrets: int  # secret files written


def backup_verify(*, source: Path, passphrase: bytes | None, without_secrets: bool = False,
                  ) -> tuple[Manifest, dict[str, bytes]]:
    """The backup's manifest and its opened secrets, or the reason it cannot be restored here."""
    manifest = read_manifest(source)
    if manifest.vendor != database.vendor():
        raise BackupRefused(_("This backup holds a %(theirs)s database; this installation uses %(ours)s.") % {
            "theirs": manifest.vendor, "ours": database.vendor()})
    newer = database.unknown_migrations(manifest.migrations)
    if newer:
        raise BackupRefused(_("This backup was made by a newer version of IPX: its database has migrations this "
                              "code does not know (%(first)s and %(count)d in all). Restore it with that version "
                              "or a later one.") % {"first": newer[0], "count": len(newer)})
    verify_files(source, manifest)
    secrets: dict[str, bytes] = {}
    if manifest.secrets and not without_secrets:
        if passphrase is None:
            raise BackupRefused(_("This backup holds encrypted secrets (the registry's signing key): give its "
                                  "passphrase with --passphrase-file, or restore without them (--without-secrets)."))
        secrets = vault.open_sealed((source / SECRETS_FILE).read_bytes(), manifest.secrets, passphrase)
    return manifest, secrets


def _check_empty(secrets: dict[str, bytes]) -> None:
    if not database.is_empty():
        raise BackupRefused(_("This installation's database is not empty: a backup is restored into an empty "
                              "one only (a new database, nothing migrated), so nothing here is overwritten."))
    for root in file_roots().values():
        if root.is_dir() and any(path.is_file() for path in root.rglob("*")):
            raise BackupRefused(_("%(folder)s already holds files: a backup is restored into an empty "
                                  "installation only.") % {"folder": root})
    targets = secret_files()
    for name in secrets:
        if name in targets and targets[name].exists():
            raise BackupRefused(_("%(file)s already exists: this installation has a signing key of its own; "
                                  "move it away to restore the backup's.") % {"file": targets[name]})


def backup_restore(*, source: Path, passphrase: bytes | None, without_secrets: bool = False,
                   say: Callable[[str], None] = print) -> Restored:
    manifest, secrets = backup_verify(source=source, passphrase=passphrase, without_secrets=without_secrets)
    _check_empty(secrets)
    written: list[Path] = []
    try:
        database.load(source / manifest.database_file)
        say(_("Database restored (%(vendor)s, identity %(identity)s).") % {
            "vendor": manifest.vendor, "identity": manifest.identity})
        files = _restore_files(source, manifest, written)
        targets = secret_files()
        for name, content in sorted(secrets.items()):
            if name in targets:
                _write_secret(targets[name], content)
                written.append(targets[name])
        say(_("%(files)d files and %(secrets)d secret files restored.") % {"files": files, "secrets": len(secrets)})
        _settle(manifest, say)
    except BaseException:
        _undo(written)
        raise
    _rebuild(say)
    return Restored(manifest=manifest, files=files, secrets=len(secrets))


def _restore_files(source: Path, manifest: Manifest, written: list[Path]) -> int:
    roots = file_roots()
    count = 0
    for name in sorted(manifest.files):
        relative = safe_relative(name)
        prefix = "/".join(relative.parts[:2])
        if prefix not in roots or len(relative.parts) < 3:
            continue
        target = roots[prefix].joinpath(*relative.parts[2:])
        target.parent.mkdir(parents=True, exist_ok=True)
        written.append(target)
        target.write_bytes((source / relative).read_bytes())
        count += 1
    return count


def _write_secret(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(content)


def _settle(manifest: Manifest, say: Callable[[str], None]) -> None:
    """An older backup's schema brought to this code's; then the ledger checked and its
    totals compared with what the backup recorded."""
    call_command("migrate", verbosity=0, interactive=False)
    report = io.StringIO()
    try:
        call_command("ledger_check", stdout=report, stderr=report)
    except CommandError as exc:
        raise BackupRefused(_("The restored ledger fails its check (%(error)s):\n%(report)s") % {
            "error": exc, "report": report.getvalue()}) from None
    totals = ledger_totals()
    if totals != manifest.ledger_totals:
        raise BackupRefused(_("The restored ledger's totals differ from the backup's manifest: %(restored)s "
                              "instead of %(recorded)s.") % {"restored": totals, "recorded": manifest.ledger_totals})
    say(report.getvalue().rstrip())
    say(_("Ledger totals per currency match the backup's manifest."))


def _undo(written: list[Path]) -> None:
    for path in reversed(written):
        path.unlink(missing_ok=True)
    database.empty_again()


def _rebuild(say: Callable[[str], None]) -> None:
    """What is derived from the database, through the usual commands."""
    from ipx.matching.matches.health import keep_vectors_current

    out = io.StringIO()
    call_command("reindex", full=True, stdout=out)
    say(out.getvalue().rstrip())
    if keep_vectors_current():
        say(_("The matching vectors' catch-up is queued (a worker computes them; ipx rematch does it here)."))
