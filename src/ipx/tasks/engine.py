"""The queue engine (Huey): which store it uses and the one Huey task that runs journal rows.

Huey carries only a journal row's id; the row (ipx.tasks.models.Task) holds the function's
name, its arguments and its state, so the store may be lost or replaced without losing work.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import close_old_connections, connections
from huey import Huey
from huey.api import TaskWrapper
from huey.storage import RedisStorage, SqliteStorage

_lock = threading.Lock()
_huey: Huey | None = None
_run: TaskWrapper | None = None

RUN_TASK = "ipx.tasks.run"
CONNECTION_CHECK_SECONDS = 10.0
_checked = threading.local()


class StoreUnavailable(Exception):
    """The queue store cannot be reached (Redis down, the SQLite file unwritable)."""


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


class _SqliteStore(SqliteStorage):
    """Huey's SQLite store in WAL mode with synchronous=NORMAL (Huey offers FULL or OFF): no
    fsync per hand-over, no corruption on power loss; a hand-over lost with the last
    transactions is handed over again from the journal."""

    def _create_connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection = super()._create_connection()
        conn.execute("pragma synchronous=1")
        return conn


class _Huey(Huey):
    """Huey without revocation: whether a row runs is the journal's to say (its status), so
    the two store round trips per task that revocation costs (check, then clear) are saved."""

    def is_revoked(self, task: Any, timestamp: Any = None, peek: bool = True) -> bool:
        return False

    def delete(self, key: str) -> Any:
        if key.startswith("r:"):  # a task's revocation key, which is never set
            return False
        return super().delete(key)


def _build() -> Huey:
    # results=False: the journal row is the result; Huey keeps no result keys to expire.
    options: dict[str, Any] = {"results": False, "immediate": bool(settings.IPX_TASKS_IMMEDIATE)}
    if settings.IPX_TASKS_REDIS_URL:
        from redis import ConnectionPool

        # Short timeouts: a request that hands over a task must not hang on a dead server.
        pool = ConnectionPool.from_url(settings.IPX_TASKS_REDIS_URL, socket_connect_timeout=2,
                                       socket_timeout=10, health_check_interval=30)
        huey: Huey = _Huey(settings.IPX_TASKS_QUEUE, storage_class=RedisStorage, connection_pool=pool, **options)
    else:
        store = settings.IPX_TASKS_STORE
        store.parent.mkdir(parents=True, exist_ok=True)
        huey = _Huey(settings.IPX_TASKS_QUEUE, storage_class=_SqliteStore, filename=str(store), timeout=10,
                     **options)
    _register(huey)
    return huey


def _register(huey: Huey) -> None:
    global _run
    from ipx.tasks import runner, schedules

    @huey.task(name=RUN_TASK, context=True, retries=settings.IPX_TASKS_RETRIES,
               retry_delay=settings.IPX_TASKS_RETRY_DELAY, retry_backoff=2)
    def run(task_id: int, task: Any = None) -> None:
        runner.run_task(task_id, retries_left=task.retries if task else 0,
                        retry_delay=task.retry_delay if task else 0)

    _run = run

    # A worker thread lives for days: drop database connections the server closed or that
    # outlived CONN_MAX_AGE before each task (never in immediate mode: the caller's
    # connection may hold its transaction), and close them when the thread ends.
    @huey.pre_execute(name="ipx.db")
    def fresh_connections(task: Any) -> None:
        # At most every few seconds per thread: each check costs a health-check query.
        now = time.monotonic()
        if not huey.immediate and now - getattr(_checked, "at", 0.0) > CONNECTION_CHECK_SECONDS:
            _checked.at = now
            close_old_connections()

    @huey.on_shutdown(name="ipx.db")
    def close_connections() -> None:
        connections.close_all()
    schedules.register(huey)


def get_huey() -> Huey:
    global _huey
    with _lock:
        if _huey is None:
            _huey = _build()
        # The test suite turns immediate mode on and off through settings.
        _huey.immediate = bool(settings.IPX_TASKS_IMMEDIATE)
        return _huey


def reset() -> None:
    """Forget the engine, so that the next use reads the settings again (tests, benchmarks)."""
    global _huey, _run
    with _lock:
        if _huey is not None and not _huey.immediate:
            _huey.storage.close()
        _huey = _run = None


def push(task_id: int, *, eta: datetime | None = None) -> None:
    """Hand a journal row to the store (or run it now in immediate mode); raises
    StoreUnavailable when the store cannot take it."""
    huey = get_huey()
    assert _run is not None
    try:
        if eta is None:
            _run(task_id)
        else:
            _run.schedule(args=(task_id,), eta=eta)
    except Exception as exc:
        if huey.immediate:
            raise  # in immediate mode the task itself ran: its errors are not the store's
        raise StoreUnavailable(str(exc)) from exc


def check_store() -> None:
    """Raise StoreUnavailable naming the store when it cannot be reached (start-up check)."""
    huey = get_huey()
    if huey.immediate:
        return
    try:
        if settings.IPX_TASKS_REDIS_URL:
            huey.storage.conn.ping()
        else:
            huey.storage.queue_size()
    except Exception as exc:
        if settings.IPX_TASKS_REDIS_URL:
            raise StoreUnavailable(
                f"Redis is unreachable at REDIS_URL={redacted(settings.IPX_TASKS_REDIS_URL)} ({exc}). "
                "Start Redis, or unset REDIS_URL to use the one-machine SQLite queue store.") from exc
        raise StoreUnavailable(f"The task store {settings.IPX_TASKS_STORE} cannot be opened ({exc}).") from exc
