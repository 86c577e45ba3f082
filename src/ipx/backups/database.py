"""The database's snapshot and its restore, on SQLite and on PostgreSQL.

SQLite: the online backup API copies every page in one step from a read transaction; in WAL
mode the site's writers go on meanwhile, and the copy is the database as of that
transaction's start. PostgreSQL: ``pg_dump`` runs in one repeatable-read snapshot, in its
custom format; ``pg_restore --single-transaction`` loads it whole or not at all. The client
programs are found on PATH, else in the newest of Debian's ``/usr/lib/postgresql/*/bin``
(``IPX_PG_BIN`` names the folder when neither is right: it must be at least the server's
version).
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from ipx.backups.errors import BackupRefused

SQLITE_FILE = "database/ipx.sqlite3"
POSTGRES_FILE = "database/ipx.pgdump"
DUMP_TIMEOUT_SECONDS = 6 * 3600


def vendor() -> str:
    return str(connection.vendor)


def database_file() -> str:
    return SQLITE_FILE if vendor() == "sqlite" else POSTGRES_FILE


def applied_migrations() -> list[str]:
    recorder = MigrationRecorder(connection)
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def unknown_migrations(names: list[str]) -> list[str]:
    """Migrations a backup records that this code does not have: a newer release made it."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = {f"{app}.{name}" for app, name in loader.graph.nodes}
    known |= {f"{app}.{name}" for migration in loader.replacements.values() for app, name in migration.replaces}
    return sorted(name for name in names if name not in known)


def is_empty() -> bool:
    """No table in the database: an installation nothing has been migrated into."""
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _raw_sqlite() -> sqlite3.Connection:
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


@contextmanager
def snapshot() -> Iterator[Callable[[Path], None]]:
    """One read of the database for the whole block: what the block reads (the migrations,
    the ledger's totals) and the copy it makes with the function it is given are the same
    state, however many commits the site makes meanwhile. SQLite: one read transaction on
    this connection, which the online backup continues; PostgreSQL: a repeatable-read
    transaction whose snapshot ``pg_dump --snapshot`` shares. A caller already inside a
    transaction (a test) reads and copies in that one."""
    if connection.in_atomic_block:
        yield _in_open_transaction
        return
    if vendor() == "sqlite":
        raw = _raw_sqlite()
        raw.execute("BEGIN DEFERRED")
        try:
            raw.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the read starts here
            yield lambda target: _sqlite_copy(raw, target)
        finally:
            raw.execute("ROLLBACK")
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        exported = str(cursor.fetchone()[0])
        yield lambda target: _pg_dump(target, exported)


def _in_open_transaction(target: Path) -> None:
    if vendor() == "sqlite":
        _sqlite_copy(_raw_sqlite(), target)
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_export_snapshot()")
        _pg_dump(target, str(cursor.fetchone()[0]))


def _sqlite_copy(raw: sqlite3.Connection, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    copy = sqlite3.connect(target)
    try:
        # One step (pages=-1), from the read transaction ``snapshot`` holds open.
        raw.backup(copy, pages=-1)
        # The copy keeps the site's WAL mode; one self-contained file is what the manifest hashes.
        copy.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.OperationalError as exc:
        raise _as_os_error(exc, target) from exc
    finally:
        copy.close()


def _pg_dump(target: Path, exported: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--snapshot", exported,
          "--file", str(target)], _("pg_dump failed"))


def _as_os_error(exc: sqlite3.OperationalError, target: Path) -> OSError:
    """SQLite says "database or disk is full" where the file system said ENOSPC."""
    if "full" in str(exc):
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
    return OSError(errno.EIO, str(exc), str(target))


def load(source: Path) -> None:
    """The snapshot at ``source`` into this (empty) database, whole or not at all."""
    if vendor() == "sqlite":
        copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            if copy.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                raise BackupRefused(_("The backup's database fails SQLite's integrity check."))
            copy.backup(_raw_sqlite(), pages=-1)
        except sqlite3.DatabaseError as exc:
            raise BackupRefused(_("The backup's database cannot be read: %(error)s") % {"error": exc}) from None
        finally:
            copy.close()
        return
    connection.close()
    _run(["pg_restore", "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges",
          "--dbname", str(settings.DATABASES["default"]["NAME"]), str(source)],
         _("pg_restore failed"))


def empty_again() -> None:
    """Undo a restore that failed after the database was loaded: back to no tables (the
    database had none before; ``is_empty`` was checked)."""
    if vendor() == "sqlite":
        blank = sqlite3.connect(":memory:")
        try:
            blank.backup(_raw_sqlite())
        finally:
            blank.close()
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE")
        cursor.execute("CREATE SCHEMA public")


def _client(program: str) -> str:
    folder = os.environ.get("IPX_PG_BIN", "")
    if folder:
        return str(Path(folder) / program)
    found = shutil.which(program)
    if found:
        return found
    folders = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: _version(p.parent.name))
    for candidate in reversed(folders):
        if (candidate / program).exists():
            return str(candidate / program)
    raise BackupRefused(_("%(program)s is not installed (PostgreSQL's client programs; IPX_PG_BIN names their "
                          "folder).") % {"program": program})


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _environment() -> dict[str, str]:
    """Where the database is, as libpq's variables: no password on a command line."""
    database: dict[str, object] = dict(settings.DATABASES["default"])
    env = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"),
                          ("PGPASSWORD", "PASSWORD"), ("PGDATABASE", "NAME")):
        if database.get(key):
            env[variable] = str(database[key])
    return env


def _run(command: list[str], failed: str) -> None:
    program = _client(command[0])
    try:
        result = subprocess.run([program, *command[1:]], env=_environment(), capture_output=True, text=True,  # noqa: S603 - PostgreSQL's own client
                                timeout=DUMP_TIMEOUT_SECONDS, check=False)
    except OSError as exc:
        raise BackupRefused(f"{failed}: {exc}") from None
    if result.returncode != 0:
        message = result.stderr.strip().splitlines()
        detail = message[-1] if message else str(result.returncode)
        if "No space left" in result.stderr:
            raise OSError(errno.ENOSPC, detail)
        raise BackupRefused(f"{failed}: {detail}")
