"""The real engine: a Huey consumer (threads here, ``ipx worker`` processes below) on the
SQLite store, and on Redis when REDIS_URL is set. Waits have deadlines; nothing asserts on
how long things took (bench/tasks_bench.py measures that)."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from ipx.tasks import engine, runner, schedules
from ipx.tasks.models import Task
from ipx.tasks.runner import enqueue, run_at
from ipx.tasks.tests import helpers
from ipx.testing.databases import REDIS_URL, needs_postgres, needs_redis
from ipx.testing.migrated_template import migrated

STORES = [pytest.param("sqlite", id="sqlite"),
          pytest.param("redis", id="redis", marks=[pytest.mark.redis, needs_redis])]
IPX = str(Path(sys.executable).with_name("ipx"))


def wait_for(check: Callable[[], bool], *, seconds: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {seconds}s: {what}")
        time.sleep(0.05)


@pytest.fixture
def consumer(request: pytest.FixtureRequest, settings: Any, tmp_path: Path) -> Iterator[None]:
    """Two worker threads and the schedule reader of a real Huey consumer, in this process."""
    settings.IPX_TASKS_IMMEDIATE = False
    settings.IPX_TASKS_STORE = tmp_path / "tasks.sqlite3"
    settings.IPX_TASKS_REDIS_URL = REDIS_URL if request.param == "redis" else ""
    settings.IPX_TASKS_QUEUE = f"ipx-test-{uuid.uuid4().hex[:8]}"
    settings.IPX_TASKS_RETRY_DELAY = 0.2
    engine.reset()
    running = engine.get_huey().create_consumer(workers=2, periodic=False, worker_type="thread")
    running.scheduler.start()
    for _worker, thread in running.worker_threads:
        thread.start()
    try:
        yield
    finally:
        running.stop(graceful=True)
        if request.param == "redis":
            engine.get_huey().storage.flush_all()
        engine.reset()


def status(task: Task) -> str:
    return Task.objects.get(pk=task.pk).status


# transaction=True: real commits (the worker threads read committed rows); worker threads
# writing while this one reads need PostgreSQL's test database. ``ipx worker`` processes on an
# SQLite file are tested below.
@pytest.mark.django_db(transaction=True)
@needs_postgres("worker threads writing beside the test's reads")
@pytest.mark.parametrize("consumer", STORES, indirect=True)
def test_the_real_engine_runs_tasks_retries_failures_run_at_and_each_periodic_slot_once(
        consumer: None, monkeypatch: pytest.MonkeyPatch) -> None:
    delays: list[float] = []
    real_run_task = runner.run_task

    def recording(task_id: int, *, retries_left: int = 0, retry_delay: float = 0) -> bool | None:
        if Task.objects.filter(pk=task_id, name__endswith="fails_twice").exists():
            delays.append(retry_delay)
        return real_run_task(task_id, retries_left=retries_left, retry_delay=retry_delay)

    monkeypatch.setattr(runner, "run_task", recording)
    name = uuid.uuid4().hex
    plain = enqueue("ipx.tasks.tests.helpers.noop")
    flaky = enqueue(helpers.fails_twice, name=name)
    gone = enqueue("ipx.tasks.tests.helpers.renamed_away")
    later = run_at(timezone.now() + timedelta(seconds=1.5), "ipx.tasks.tests.helpers.noop")
    # Two schedulers (started by mistake) both fire every periodic task of the same minute.
    while timezone.now().second >= 55:  # keep both firings in one slot
        time.sleep(0.5)
    huey = engine.get_huey()
    at_the_hour = timezone.now().replace(minute=0, tzinfo=None)
    for _scheduler in range(2):
        for periodic in huey.read_periodic(at_the_hour):
            huey.enqueue(periodic)

    wait_for(lambda: status(plain) == "done", what="a plain task")
    wait_for(lambda: status(gone) == "failed", what="a task whose function is gone")
    wait_for(lambda: status(flaky) == "done", what="a task that fails twice")
    wait_for(lambda: status(later) == "done", what="a run_at task")

    flaky.refresh_from_db()
    assert (flaky.attempts, helpers.ATTEMPTS[name]) == (3, 3)
    assert delays == pytest.approx([0.2, 0.4, 0.8])  # each retry waits twice as long
    gone.refresh_from_db()
    assert gone.attempts == 1 and "no longer exists" in gone.last_error
    later.refresh_from_db()
    assert later.started_at is not None and later.run_after is not None
    assert later.started_at >= later.run_after

    periodic_names = {schedule.func for schedule in schedules.SCHEDULES}
    wait_for(lambda: Task.objects.filter(name__in=periodic_names, status="done").count() == len(periodic_names),
             what="the periodic tasks")
    time.sleep(1)  # a second run of a slot would be queued by now
    # Each periodic task ran once for the slot (what they queue in turn, e.g. a search index
    # rebuild, has keys of its own and is not counted).
    fired = Task.objects.filter(name__in=periodic_names, key__isnull=False).values_list("name", flat=True)
    assert sorted(fired) == sorted(periodic_names)


# --- ipx worker processes ---------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def process_env(tmp_path: Path, database: Path, store: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "IPX_VAR_DIR": str(tmp_path),
           "IPX_TASKS_STORE": str(tmp_path / "tasks.sqlite3"), "IPX_TASKS_QUEUE": f"ipx-test-{uuid.uuid4().hex[:8]}",
           "IPX_TASKS_HEARTBEAT_SECONDS": "0.5", "IPX_TASKS_STALE_SECONDS": "3", "PYTHONUNBUFFERED": "1"}
    env.pop("IPX_TASKS_IMMEDIATE", None)
    if store == "redis":
        env["REDIS_URL"] = REDIS_URL
    else:
        env.pop("REDIS_URL", None)
    return env


def journal_row(database: Path, task_id: int) -> tuple[str, int]:
    with sqlite3.connect(database) as db:
        row = db.execute("select status, attempts from tasks_task where id = ?", (task_id,)).fetchone()
    return (str(row[0]), int(row[1]))


@pytest.mark.parametrize("store", STORES)
def test_a_task_whose_worker_is_killed_is_finished_by_another_worker(store: str, tmp_path: Path) -> None:
    database = tmp_path / "ipx.sqlite3"  # a migrated database file the worker processes share
    with migrated() as template:
        database.write_bytes(template.read_bytes())
    env = process_env(tmp_path, database, store)
    logs = tmp_path / "logs"
    logs.mkdir()
    workers: list[subprocess.Popen[bytes]] = []

    def start_worker(name: str) -> subprocess.Popen[bytes]:
        with (logs / f"{name}.log").open("wb") as log:
            worker = subprocess.Popen(  # noqa: S603 - our own ipx command
                [IPX, "worker", "--workers", "1"], env=env, stdout=log, stderr=log)
        workers.append(worker)
        return worker

    try:
        first = start_worker("first")
        queued = subprocess.run(  # noqa: S603 - our own ipx command
            [sys.executable, "-c", "import django; django.setup(); from ipx.tasks.runner import enqueue; "
             f"print(enqueue('ipx.tasks.tests.helpers.slow_the_first_time', path={str(tmp_path)!r}).pk)"],
            env={**env, "DJANGO_SETTINGS_MODULE": "ipx.settings"}, check=True, capture_output=True, text=True,
            timeout=120)
        task_id = int(queued.stdout.split()[-1])
        starts = tmp_path / "starts"
        wait_for(lambda: starts.exists() and starts.read_text().split() == [str(first.pid)], seconds=120,
                 what=f"the first worker to start the task ({(logs / 'first.log').read_text()[-2000:]})")
        assert journal_row(database, task_id) == ("running", 0)

        second = start_worker("second")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        wait_for(lambda: (tmp_path / "done").exists(), seconds=120,
                 what=f"the second worker to finish it ({(logs / 'second.log').read_text()[-2000:]})")
        wait_for(lambda: journal_row(database, task_id)[0] == "done", what="the journal to say done")
        assert starts.read_text().split() == [str(first.pid), str(second.pid)]
        assert journal_row(database, task_id) == ("done", 1)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGINT)
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()


def test_a_worker_refuses_to_start_when_redis_is_unreachable_naming_redis_url(tmp_path: Path) -> None:
    env = {**os.environ, "REDIS_URL": f"redis://:secret@127.0.0.1:{free_port()}/0", "IPX_VAR_DIR": str(tmp_path)}
    env.pop("IPX_TASKS_IMMEDIATE", None)
    for command in ("worker", "scheduler"):
        result = subprocess.run(  # noqa: S603 - our own ipx command
            [IPX, command], env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode != 0
        assert "REDIS_URL=redis://:***@127.0.0.1" in result.stderr and "Traceback" not in result.stderr
        assert "secret" not in result.stderr
