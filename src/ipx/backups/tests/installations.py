"""Installations of their own for the restore drill: a folder for ``var/`` and a database,
given to ``ipx`` processes through IPX_VAR_DIR and DATABASE_URL.

A source installation starts as a copy of the test database (migrated once per test run:
migrating another file costs about half a minute); a target starts empty. On SQLite each
database is a file (the online backup API copies the in-memory test database into one); on
PostgreSQL each is a database of the test server, made from the test database as its
template, or empty, and dropped afterwards.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from django.db import connection

IPX = str(Path(sys.executable).with_name("ipx"))


@dataclass(frozen=True)
class Installation:
    folder: Path
    database_url: str
    vendor: str

    def env(self) -> dict[str, str]:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ipx.settings", "IPX_VAR_DIR": str(self.folder),
               "DATABASE_URL": self.database_url, "IPX_TASKS_IMMEDIATE": "1"}
        for name in ("REDIS_URL", "MEDIA_ROOT", "IPX_PRIVATE_ROOT", "IPX_SEARCH_INDEX_DIR", "IPX_TASKS_STORE"):
            env.pop(name, None)
        return env

    def ipx(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([IPX, *arguments], env=self.env(), capture_output=True, text=True,  # noqa: S603 - our own ipx command
                              timeout=300, check=False)

    def drill(self, *arguments: str) -> None:
        done = subprocess.run([sys.executable, "-m", "ipx.backups.tests.drill", *arguments], env=self.env(),  # noqa: S603 - the drill's own module
                              capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr[-4000:]

    def tables(self) -> list[str]:
        if self.vendor == "sqlite":
            path = self.folder / "ipx.sqlite3"
            if not path.exists():
                return []
            with sqlite3.connect(path) as database:
                return [row[0] for row in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        with psycopg.connect(self.database_url) as database:
            rows = database.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
            return [row[0] for row in rows]

    def files(self) -> list[Path]:
        """Uploaded files (private and public) and the registry's key."""
        return sorted(path for folder in ("private", "media", "dataip") for path in (self.folder / folder).rglob("*")
                      if path.is_file())


@dataclass
class Installations:
    """Makes installations under ``root`` on the test database's vendor; ``close`` drops the
    PostgreSQL databases it made."""

    root: Path
    made: list[str] = field(default_factory=list)

    @property
    def vendor(self) -> str:
        return str(connection.vendor)

    def _server(self, database: str) -> str:
        settings = connection.settings_dict
        password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
        return f"postgres://{settings['USER']}{password}@{settings['HOST']}:{settings['PORT']}/{database}"

    def _create(self, template: str | None) -> str:
        name = f"ipx_drill_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self._server("postgres"), autocommit=True) as server:
            server.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        self.made.append(name)
        return self._server(name)

    def source(self, name: str) -> Installation:
        """A migrated installation: a copy of the test database (which must be at rest)."""
        folder = self.root / name
        folder.mkdir()
        if self.vendor == "sqlite":
            connection.ensure_connection()
            raw = connection.connection
            assert isinstance(raw, sqlite3.Connection)
            with sqlite3.connect(folder / "ipx.sqlite3") as copy:
                raw.backup(copy)
            return Installation(folder, f"sqlite:///{folder / 'ipx.sqlite3'}", "sqlite")
        template = str(connection.settings_dict["NAME"])
        connection.close()  # a template database may have no other session
        return Installation(folder, self._create(template), "postgresql")

    def empty(self, name: str) -> Installation:
        folder = self.root / name
        folder.mkdir()
        if self.vendor == "sqlite":
            return Installation(folder, f"sqlite:///{folder / 'ipx.sqlite3'}", "sqlite")
        return Installation(folder, self._create(None), "postgresql")

    def close(self) -> None:
        if not self.made:
            return
        with psycopg.connect(self._server("postgres"), autocommit=True) as server:
            for name in self.made:
                server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.made.clear()
