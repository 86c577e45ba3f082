"""A backup made in this process: what a full disk or an unusable destination leaves (nothing
that looks like a backup, the site unchanged), the scheduled backups' retention, and the
health line on the back-office panel."""

from __future__ import annotations

import errno
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from ipx.backups import snapshot
from ipx.backups.health import backups_check
from ipx.backups.manifest import FileEntry, read_manifest, verify_files
from ipx.backups.schedule import Kept, backups_run_scheduled, complete_backups, to_remove
from ipx.ledger.models import LedgerTransaction
from ipx.testing.fixtures import Member
from ipx.testing.scenes import deposit

# Committed rows, as ipx backup finds them: its read of the database is a transaction of its
# own, which SQLite's shared in-memory test database cannot open inside the test's.
pytestmark = pytest.mark.django_db(transaction=True)
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
CONTRACT = b"%PDF-1.7 the signed contract"


@pytest.fixture
def uploads(settings: Any) -> Path:
    root = Path(settings.IPX_PRIVATE_ROOT)
    (root / "contracts").mkdir(parents=True)
    (root / "contracts" / "deal-1.pdf").write_bytes(CONTRACT)
    (root / "attachments").mkdir()
    (root / "attachments" / "note.png").write_bytes(b"\x89PNG picture")
    return root


def test_a_backup_holds_the_database_and_every_file_with_its_hash(uploads: Path, tmp_path: Path, owner: Member,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    deposit(owner.organisation, "1200.50")

    call_command("backup", str(tmp_path / "backups"))

    [made] = complete_backups(tmp_path / "backups")
    manifest = read_manifest(made.path)
    verify_files(made.path, manifest)
    assert capsys.readouterr().out.splitlines()[0] == str(made.path)
    assert manifest.files["files/private/contracts/deal-1.pdf"] == FileEntry(
        sha256=hashlib.sha256(CONTRACT).hexdigest(), size=len(CONTRACT))
    assert sorted(manifest.files) == [manifest.database_file, "files/private/attachments/note.png",
                                      "files/private/contracts/deal-1.pdf"]
    assert manifest.ledger_totals["CNY"]["deposited"] == "1200.50"
    assert manifest.secrets == {}
    assert not (made.path / snapshot.SECRETS_FILE).exists()


def test_a_full_disk_leaves_no_backup_and_changes_nothing(uploads: Path, tmp_path: Path, owner: Member,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    deposit(owner.organisation, "10.00")
    real_copy = snapshot._copy
    copied: list[Path] = []

    def disk_full_at_the_second_file(source: Path, target: Path) -> FileEntry:
        if copied:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes()[:3])  # half written, as a full disk leaves it
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        copied.append(source)
        return real_copy(source, target)

    monkeypatch.setattr(snapshot, "_copy", disk_full_at_the_second_file)
    destination = tmp_path / "backups"

    with pytest.raises(CommandError) as refused:
        call_command("backup", str(destination))

    assert str(refused.value) == (f"The backup could not be written to {destination}: No space left on device. "
                                  "Nothing was kept there; the site is unaffected.")
    assert list(destination.iterdir()) == []  # not even the half-written folder
    assert LedgerTransaction.objects.count() == 1
    assert sorted(path.name for path in uploads.rglob("*") if path.is_file()) == ["deal-1.pdf", "note.png"]


@pytest.mark.django_db  # refused before the database is read: the test's own transaction will do
def test_a_destination_that_cannot_be_a_folder_is_refused(tmp_path: Path) -> None:
    occupied = tmp_path / "a-file"
    occupied.write_text("not a folder")

    with pytest.raises(CommandError) as refused:
        call_command("backup", str(occupied / "backups"))

    assert str(refused.value).startswith(f"The backup could not be written to {occupied / 'backups'}: ")
    assert occupied.read_text() == "not a folder"


@pytest.mark.django_db  # refused before the database is read
def test_secrets_need_a_passphrase_of_some_length(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--with-secrets needs --passphrase-file"):
        call_command("backup", str(tmp_path), with_secrets=True)
    short = tmp_path / "short"
    short.write_text("abc\n")
    with pytest.raises(CommandError, match="at least 8 characters"):
        call_command("backup", str(tmp_path / "b"), with_secrets=True, passphrase_file=str(short))
    assert not (tmp_path / "b").exists()


def _kept(*hours_ago: float) -> list[Kept]:
    return [Kept(Path(f"b{index}"), NOW - timedelta(hours=hours)) for index, hours in
            enumerate(sorted(hours_ago, reverse=True))]


@pytest.mark.django_db  # arithmetic on dates: no backup made
def test_retention_keeps_a_day_of_hourly_backups_and_the_first_of_each_day_for_a_month(settings: Any) -> None:
    settings.IPX_BACKUP_KEEP_HOURLY_HOURS = 24
    settings.IPX_BACKUP_KEEP_DAILY_DAYS = 31
    # 12:00 now: 1 h and 23 h ago (today and yesterday 13:00), 25 h and 26 h ago (yesterday
    # 11:00 and 10:00: 10:00 is that day's first), 2 days ago 12:00 and 11:00, 40 days ago.
    backups = _kept(1, 23, 25, 26, 48, 49, 24 * 40)
    going = to_remove(backups, NOW)
    assert sorted(NOW - kept.taken for kept in going) == [timedelta(hours=25), timedelta(hours=48),
                                                          timedelta(days=40)]


def _fake_backup(folder: Path, taken: datetime, size: int) -> Path:
    path = folder / (snapshot.PREFIX + taken.strftime(snapshot.NAME_FORMAT))
    path.mkdir(parents=True)
    (path / "manifest.json").write_text("{}")
    (path / "data").write_bytes(b"x" * (size - 2))
    return path


def test_the_hourly_backup_is_made_and_old_ones_let_go(settings: Any, tmp_path: Path, owner: Member) -> None:
    settings.IPX_BACKUP_DIR = ""
    assert backups_run_scheduled() == "off"
    settings.IPX_BACKUP_DIR = str(tmp_path / "backups")
    old = _fake_backup(tmp_path / "backups", timezone.now() - timedelta(days=40), 10)
    (tmp_path / "backups" / (snapshot.PARTIAL + "left-by-a-crash")).mkdir()

    made = Path(backups_run_scheduled())

    assert [kept.path for kept in complete_backups(tmp_path / "backups")] == [made]
    assert not old.exists()
    assert json.loads((made / "manifest.json").read_text())["project"] == "ipx"


@pytest.mark.django_db  # no backup made: the test's own transaction will do
def test_the_panel_shows_the_last_successful_backup_and_its_size(settings: Any, tmp_path: Path,
                                                                  operator_client: Client) -> None:
    settings.IPX_BACKUP_DIR = ""
    assert (backups_check().status, backups_check().detail) == (
        "ok", "Scheduled backups are off (IPX_BACKUP_DIR is empty).")
    settings.IPX_BACKUP_DIR = str(tmp_path / "backups")
    assert backups_check().status == "degraded"
    _fake_backup(tmp_path / "backups", timezone.now() - timedelta(hours=5), 2048)
    (tmp_path / "backups" / (snapshot.PARTIAL + "being-written")).mkdir()  # not counted
    check = backups_check()
    assert (check.status, check.facts["size_bytes"], check.facts["kept"]) == ("degraded", 2048, 1)
    latest = _fake_backup(tmp_path / "backups", timezone.now() - timedelta(minutes=10), 3 * 1024 * 1024)
    check = backups_check()
    assert (check.status, check.facts["size_bytes"], check.facts["kept"]) == ("ok", 3 * 1024 * 1024, 2)
    stamp = timezone.localtime(datetime.strptime(latest.name.removeprefix(snapshot.PREFIX), snapshot.NAME_FORMAT)
                               .replace(tzinfo=UTC)).strftime("%Y-%m-%d %H:%M")
    assert check.detail == f"The last successful backup: {stamp}, 3.0\xa0MB (2 kept)."

    page = operator_client.get("/admin/health/").content.decode()
    assert 'data-check="backups"' in page
    assert f"The last successful backup: {stamp}, 3.0\xa0MB (2 kept)." in page
