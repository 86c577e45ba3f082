"""The SQLite test database is a copy of the migrated template (``ipx.testing.migrated_template``):
the same tables, triggers and reference rows, an identity of its own; a changed migration names
another template; and only the creation of test databases copies, a test's own migrate migrates."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from django.core import management
from django.db import connection

from ipx.catalog.models import IpcCode
from ipx.core.identity import database_identity
from ipx.testing import migrated_template
from ipx.testing.databases import ON_POSTGRES

SCHEMA = "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"


# PostgreSQL's test databases are migrated, not copied: nothing of this to check there.
@pytest.mark.django_db
@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's test databases only")
def test_the_test_database_is_the_template_with_an_identity_of_its_own() -> None:
    with migrated_template.migrated() as path, closing(sqlite3.connect(path)) as template:
        schema = template.execute(SCHEMA).fetchall()
        ipc_codes = template.execute("SELECT count(*) FROM catalog_ipccode").fetchone()[0]
        identity = template.execute("SELECT identity FROM core_databaseidentity").fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute(SCHEMA)
        assert cursor.fetchall() == schema
    assert any(kind == "trigger" for kind, _name, _sql in schema)  # the ledger's append-only rules
    assert IpcCode.objects.count() == ipc_codes > 70_000
    assert database_identity().replace("-", "") != str(identity).replace("-", "")
    assert management.call_command.__module__ == "django.core.management"  # a test's migrate is real


def test_a_changed_migration_names_another_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    migration = tmp_path / "catalog" / "migrations" / "0001_initial.py"
    migration.parent.mkdir(parents=True)
    migration.write_text("operations = []\n")
    monkeypatch.setattr(migrated_template, "SOURCE", tmp_path)
    before = migrated_template.fingerprint()

    migration.write_text("operations = [1]\n")

    assert migrated_template.fingerprint() != before
