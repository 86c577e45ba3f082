"""SQLite test databases copied from one migrated template instead of each migrated anew.

Migrating a new database costs some 30 s of a core (Django renders the model states of about
290 operations, and the catalog writes 77,000 reference rows), and `make test` creates one
test database in each of its pytest processes: two workers per pass, the API contract, the
task engine's worker processes. The first to need one migrates a template, with `ipx migrate`
as any new installation does, under a lock (``TEMPLATES``, named by a hash of everything the
migration reads); the others wait for it and copy it with SQLite's backup API. A copy is a new
database, so it gets an identity of its own (``ipx.core.identity``). PostgreSQL's test
databases are migrated as before.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import django
import pytest
from django.core import management
from django.core.management import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections

import ipx

TEMPLATES = Path(tempfile.gettempdir()) / "ipx-test-databases"
SOURCE = Path(ipx.__file__).resolve().parent
# Everything a migration reads: the migrations, and the catalog's reference tables and their loader.
READ_BY_MIGRATIONS = ("*/migrations/*.py", "*/*/migrations/*.py", "catalog/reference/*", "catalog/reference_tables.py")


def fingerprint() -> str:
    digest = hashlib.sha256(f"{django.get_version()} {sqlite3.sqlite_version}".encode())
    for path in sorted({path for pattern in READ_BY_MIGRATIONS for path in SOURCE.glob(pattern)}):
        digest.update(str(path.relative_to(SOURCE)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def migrated() -> Iterator[Path]:
    """The migrated template of the migrations in this tree (made now if no process has yet),
    held while the block copies it: making another removes the templates of other migrations."""
    TEMPLATES.mkdir(parents=True, exist_ok=True)
    path = TEMPLATES / f"{fingerprint()}.sqlite3"
    with _locked(TEMPLATES / "lock"):
        if not path.exists():
            _migrate_into(path)
        yield path


def _migrate_into(path: Path) -> None:
    work = Path(tempfile.mkdtemp(dir=TEMPLATES))
    database = work / "ipx.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "IPX_VAR_DIR": str(work)}
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "-m", "ipx.cli", "migrate", "--skip-checks", "-v0"],  # noqa: S603 - our own command
                   env=env, check=True, timeout=600)
    db = sqlite3.connect(database)
    db.execute("PRAGMA journal_mode=DELETE")  # one self-contained file to copy
    db.close()
    for old in TEMPLATES.glob("*.sqlite3"):
        old.unlink()  # templates of other migrations
    database.replace(path)
    shutil.rmtree(work)


def _copy_into(connection: Any) -> None:
    from ipx.core.models import DatabaseIdentity

    connection.ensure_connection()
    with migrated() as template:
        source = sqlite3.connect(template)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    DatabaseIdentity.objects.using(connection.alias).all().delete()
    DatabaseIdentity.objects.using(connection.alias).create()


@contextmanager
def copying_migrations() -> Iterator[None]:
    """While Django creates the test databases: its `migrate` of a SQLite one copies the template."""
    call_command_as_is = management.call_command

    def call_command(command_name: BaseCommand | str, *args: Any, **options: Any) -> str:
        connection = connections[options.get("database", DEFAULT_DB_ALIAS)]
        if command_name != "migrate" or connection.vendor != "sqlite" or args:
            return call_command_as_is(command_name, *args, **options)
        _copy_into(connection)
        return ""  # what a quiet migrate prints

    management.call_command = call_command
    try:
        yield
    finally:
        management.call_command = call_command_as_is


def pytest_configure(config: pytest.Config) -> None:
    """pytest-django creates the test databases with Django's ``setup_databases`` (imported when
    it does): only that runs with ``copying_migrations``, never a test's own migrate."""
    from django.test import utils

    create = utils.setup_databases

    def setup_databases(*args: Any, **kwargs: Any) -> Any:
        with copying_migrations():
            return create(*args, **kwargs)

    utils.setup_databases = setup_databases
