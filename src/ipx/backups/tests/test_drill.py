"""The restore drill: an exchange backed up while it is written to, restored into a fresh
installation, and checked; then damaged backups, refused without restoring anything.

Each pass of ``make test`` drills its own database: SQLite files in the first, PostgreSQL
databases (``pg_dump`` / ``pg_restore``) in the second.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ipx.backups.errors import BackupRefused
from ipx.backups.manifest import MANIFEST, read_manifest
from ipx.backups.restore import backup_verify
from ipx.backups.tests.installations import Installation, Installations
from ipx.testing.databases import ON_POSTGRES, needs_postgres

VENDORS = [
    pytest.param("sqlite", id="sqlite",
                 marks=pytest.mark.skipif(ON_POSTGRES, reason="the SQLite pass drills SQLite files")),
    pytest.param("postgresql", id="postgresql", marks=needs_postgres("pg_dump and pg_restore against a server")),
]
PASSPHRASE = b"correct horse battery staple"
# The test database is made only for a run that holds a test marked so; the drill copies it.
pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Drill:
    installations: Installations
    source: Installation
    backup: Path
    passphrase: Path
    scene: dict[str, Any]


@pytest.fixture(scope="module", params=VENDORS)
def drill(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, django_db_setup: None,
          django_db_blocker: Any) -> Iterator[Drill]:
    root = tmp_path_factory.mktemp(f"drill-{request.param}")
    installations = Installations(root)
    passphrase = root / "passphrase"
    passphrase.write_bytes(PASSPHRASE + b"\n")
    try:
        with django_db_blocker.unblock():
            source = installations.source("source")
        (root / "backups").mkdir()
        source.drill("scene", str(root / "backups"), str(passphrase), str(root / "scene.json"))
        scene = json.loads((root / "scene.json").read_text())
        yield Drill(installations, source, Path(scene["backup"]), passphrase, scene)
    finally:
        with django_db_blocker.unblock():
            installations.close()


def test_the_restored_exchange_has_every_acknowledged_write_its_money_its_files_and_its_certificate(
        drill: Drill, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        target = drill.installations.empty("restored")
    manifest = read_manifest(drill.backup)

    restore = target.ipx("restore", str(drill.backup), "--passphrase-file", str(drill.passphrase))
    assert restore.returncode == 0, restore.stderr[-4000:]
    assert "ledger ok" in restore.stdout
    assert "Ledger totals per currency match the backup's manifest." in restore.stdout
    target.drill("inspect", str(target.folder / "restored.json"))
    restored = json.loads((target.folder / "restored.json").read_text())

    # Every payment acknowledged before the backup began, and no gap after them: one snapshot.
    before, during = drill.scene["acknowledged_before"], drill.scene["acknowledged_during"]
    payments = restored["drill_payments"]
    assert before >= 5
    assert payments == list(range(len(payments)))
    assert before <= len(payments) <= before + during + 1
    # The ledger as it was at the snapshot, and as the manifest recorded it.
    assert restored["ledger_ok"] is True
    assert restored["ledger_totals"] == manifest.ledger_totals
    totals = restored["ledger_totals"]["CNY"]
    assert Decimal(totals["deposited"]) == Decimal(drill.scene["deposited_before_writes"]) + len(payments)
    assert Decimal(totals["escrow"]) > 0
    # Every file a row names, read back with the hash it had.
    assert restored["files"] == drill.scene["files"]
    assert any("contracts/" in name for name in restored["files"])
    assert drill.scene["deal_id"] in restored["deals"]
    assert restored["deals"] == drill.scene["deals"]
    assert restored["auctions"][str(drill.scene["auction_id"])] == "finished"
    assert drill.scene["listing_id"] in restored["search_hits"]
    # The certificate, exported from the restored registry, checks against the restored key.
    verified = target.ipx("dataip", "verify", restored["certificate_file"])
    assert (verified.returncode, verified.stdout.strip().split(": ", 1)[1]) == (
        0, "valid: the registry's signature checks and the certificate is in force")
    # A second restore finds the installation in use and refuses.
    again = target.ipx("restore", str(drill.backup), "--passphrase-file", str(drill.passphrase))
    assert again.returncode == 1
    assert "database is not empty" in again.stderr


def _database(backup: Path) -> Path:
    return backup / read_manifest(backup).database_file


def _flip_a_byte(backup: Path) -> None:
    database = _database(backup)
    data = bytearray(database.read_bytes())
    data[len(data) // 2] ^= 0xFF
    database.write_bytes(bytes(data))


def _truncate(backup: Path) -> None:
    database = _database(backup)
    database.write_bytes(database.read_bytes()[: database.stat().st_size // 2])


def _edit_manifest(**changes: Any) -> Callable[[Path], None]:
    def edit(backup: Path) -> None:
        manifest = json.loads((backup / MANIFEST).read_text())
        for key, change in changes.items():
            manifest[key] = change(manifest[key]) if callable(change) else change
        (backup / MANIFEST).write_text(json.dumps(manifest))

    return edit


def _cut_manifest(backup: Path) -> None:
    text = (backup / MANIFEST).read_text()
    (backup / MANIFEST).write_text(text[: len(text) // 2])


DAMAGES: dict[str, tuple[Callable[[Path], None], str]] = {
    "a flipped byte": (_flip_a_byte, "does not match its SHA-256 in the manifest: the backup is damaged"),
    "a truncated database": (_truncate, "where the manifest says"),
    "a truncated manifest": (_cut_manifest, "The backup's manifest cannot be read"),
    "no manifest (interrupted)": (lambda backup: (backup / MANIFEST).unlink(), "holds no manifest.json"),
    "another project": (_edit_manifest(project="someone-else"), "This backup was not made by IPX"),
    "a newer format": (_edit_manifest(format="ipx-backup/2"), "this version of IPX reads ipx-backup/1 only"),
    "newer migrations": (_edit_manifest(migrations=lambda names: [*names, "ledger.9999_from_a_newer_release"]),
                         "made by a newer version of IPX: its database has migrations this code does not know "
                         "(ledger.9999_from_a_newer_release and 1 in all)"),
    "a file missing": (lambda backup: next((backup / "files" / "private").rglob("*.pdf")).unlink(),
                       "The backup lacks files/private/"),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_or_foreign_backup_is_refused_before_anything_is_written(drill: Drill, tmp_path: Path,
                                                                         damage: str) -> None:
    backup = Path(shutil.copytree(drill.backup, tmp_path / drill.backup.name))
    spoil, message = DAMAGES[damage]
    spoil(backup)
    with pytest.raises(BackupRefused) as refused:
        backup_verify(source=backup, passphrase=PASSPHRASE)
    assert message in refused.value.message


def test_a_wrong_passphrase_or_none_is_refused(drill: Drill) -> None:
    with pytest.raises(BackupRefused) as refused:
        backup_verify(source=drill.backup, passphrase=b"not the passphrase")
    assert refused.value.message == "The passphrase does not open the backup's secrets (a wrong passphrase)."
    with pytest.raises(BackupRefused) as refused:
        backup_verify(source=drill.backup, passphrase=None)
    assert "give its passphrase with --passphrase-file" in refused.value.message
    manifest, secrets = backup_verify(source=drill.backup, passphrase=None, without_secrets=True)
    assert (manifest.identity, secrets) == (read_manifest(drill.backup).identity, {})


@pytest.mark.parametrize("damage", ["a flipped byte", "wrong passphrase"])
def test_a_refused_restore_leaves_the_new_installation_empty(drill: Drill, tmp_path: Path, damage: str,
                                                             django_db_blocker: Any) -> None:
    backup = Path(shutil.copytree(drill.backup, tmp_path / drill.backup.name))
    passphrase = drill.passphrase
    if damage == "wrong passphrase":
        passphrase = tmp_path / "wrong"
        passphrase.write_text("not the passphrase\n")
    else:
        _flip_a_byte(backup)
    with django_db_blocker.unblock():
        target = drill.installations.empty(f"refused-{damage.replace(' ', '-')}")

    refused = target.ipx("restore", str(backup), "--passphrase-file", str(passphrase))

    assert refused.returncode == 1
    assert refused.stderr.startswith("CommandError: ")
    assert (target.tables(), target.files()) == ([], [])
