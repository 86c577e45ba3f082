"""Task queue benchmark: trivial-task throughput through Huey with two worker processes, and
how late scheduled (run_at) tasks start.

    scripts/with-redis.sh .venv/bin/python bench/tasks_bench.py [--tasks 5000] [--threads 2]
    scripts/with-postgres.sh scripts/with-redis.sh .venv/bin/python bench/tasks_bench.py

Uses REDIS_URL when set (the several-servers store), the SQLite store otherwise, and
DATABASE_URL when set (a fresh SQLite database in a temporary directory otherwise; migrated
first). Each task is the whole path: a journal row written, handed to the store on commit,
claimed, run and marked done by a worker. Prints `NAME VALUE` lines.
Goals: >= 500 tasks/s on Redis with 2 workers; a scheduled task starts within 2 s of its time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IPX = str(Path(sys.executable).with_name("ipx"))


def _prepare_environment(workdir: Path) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["IPX_VAR_DIR"] = str(workdir)
    os.environ["IPX_TASKS_STORE"] = str(workdir / "tasks.sqlite3")
    os.environ["IPX_TASKS_QUEUE"] = f"ipx-bench-{os.getpid()}"
    os.environ.pop("IPX_TASKS_IMMEDIATE", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipx.settings")
    sys.path.insert(0, str(ROOT / "src"))


def _wait_until(check: object, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up after {seconds}s")
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--processes", type=int, default=2, help="ipx worker processes")
    parser.add_argument("--threads", type=int, default=2, help="worker threads in each")
    parser.add_argument("--scheduled", type=int, default=30)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="ipx-tasks-bench-"))
    _prepare_environment(workdir)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction
    from django.db.models import Max, Min
    from django.utils import timezone

    from ipx.tasks.models import Task
    from ipx.tasks.runner import enqueue, run_at

    workers: list[subprocess.Popen[bytes]] = []
    try:
        call_command("migrate", verbosity=0)
        store = "redis" if settings.IPX_TASKS_REDIS_URL else "sqlite"
        database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        print(f"store {store}\ndatabase {database}\nworker_processes {args.processes}\n"
              f"threads_per_process {args.threads}")
        for index in range(args.processes):
            with (workdir / f"worker-{index}.log").open("wb") as log:
                workers.append(subprocess.Popen([IPX, "worker", "--workers", str(args.threads)],
                                                stdout=log, stderr=log))
        # Warm-up: the workers are up when they have run a task each.
        with transaction.atomic():
            warm = [enqueue("ipx.tasks.tests.helpers.noop").pk for _ in range(args.processes * args.threads * 4)]
        _wait_until(lambda: Task.objects.filter(pk__in=warm, status="done").count() == len(warm), 120)

        started = time.perf_counter()
        with transaction.atomic():
            ids = [enqueue("ipx.tasks.tests.helpers.noop").pk for _ in range(args.tasks)]
            committed_at = timezone.now()
            written = time.perf_counter() - started
        enqueued = time.perf_counter() - started  # the rows written, then handed over on commit
        _wait_until(lambda: Task.objects.filter(pk__in=ids, status="done").count() == len(ids), 600)
        span = Task.objects.filter(pk__in=ids).aggregate(first=Min("started_at"), last=Max("finished_at"))
        seconds = (span["last"] - committed_at).total_seconds()
        print(f"tasks {args.tasks}")
        print(f"journal_rows_per_second {args.tasks / written:.0f}")
        print(f"enqueue_per_second {args.tasks / enqueued:.0f}")
        print(f"tasks_per_second {args.tasks / seconds:.0f}")
        print(f"drain_seconds {seconds:.2f}")

        base = timezone.now()
        scheduled = [run_at(base + timezone.timedelta(seconds=3 + index * 0.25), "ipx.tasks.tests.helpers.noop").pk
                     for index in range(args.scheduled)]
        _wait_until(lambda: Task.objects.filter(pk__in=scheduled, status="done").count() == len(scheduled), 120)
        lateness = sorted((task.started_at - task.run_after).total_seconds()
                          for task in Task.objects.filter(pk__in=scheduled))
        print(f"scheduled_tasks {len(lateness)}")
        print(f"lateness_p50_seconds {statistics.median(lateness):.3f}")
        print(f"lateness_max_seconds {lateness[-1]:.3f}")
        print(f"lateness_min_seconds {lateness[0]:.3f}")
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGINT)
        for worker in workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
        if settings.IPX_TASKS_REDIS_URL:
            from ipx.tasks.engine import get_huey

            get_huey().storage.flush_all()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
