"""``ipx serve``: gunicorn with uvicorn workers in front of the ASGI app (pages, API and live
streams; static files through WhiteNoise) with DEBUG off, or uvicorn alone, reloading on code
changes, with DEBUG on with ``--dev``.

ASGI because live streams (``ipx.live``) stay open for as long as a page does: an event loop
holds thousands of them, where a threaded WSGI server would hold a thread each. The ordinary
views stay synchronous and run on a pool of threads per process (``ipx.asgi``).

DEBUG is never inherited from the shell: a served site with DEBUG on shows tracebacks and
settings to anyone who finds an error, and serves media from the application, so only the
explicit ``--dev`` turns it on."""

from __future__ import annotations

import argparse
import atexit
import hashlib
import multiprocessing
import os
import signal
import subprocess
import sys
from multiprocessing.connection import Connection
from pathlib import Path

from django.core.management import call_command

from ipx.serve_worker import check_address_free

MODEL_CHECK_SECONDS = 120
# uvicorn's worker for gunicorn (uvloop and httptools when installed, as they are), each on a
# listening socket of its own (``ipx.serve_worker``).
WORKER_CLASS = "ipx.serve_worker.SpreadingWorker"


def _report_model_problem(conn: Connection) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from ipx.matching.retrieval.checks import ensure_embedding_model

    try:
        ensure_embedding_model()
    except ImproperlyConfigured as exc:
        conn.send(str(exc))
    else:
        conn.send("")
    conn.close()


def check_embedding_model_before_forking() -> None:
    """Stop with a clear message when the matching engine's embedding model is missing or
    broken, before any request. The model is loaded in a child process: gunicorn forks its
    workers from this process, and a model's threads (the runtime's, the encoder's) do not
    survive ``fork``; each worker loads its own when it first embeds."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_report_model_problem, args=(sender,), daemon=True)
    child.start()
    sender.close()
    if receiver.poll(MODEL_CHECK_SECONDS):
        try:
            problem = receiver.recv()
        except EOFError:  # the child died without a word (e.g. the engine crashed)
            problem = "the embedding model crashed while loading; reinstall the project's dependencies"
    else:
        problem = f"the embedding model did not load within {MODEL_CHECK_SECONDS} s"
    child.join(5)
    if problem:
        raise SystemExit(f"ipx serve: {problem}")


def parse_options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ipx serve")
    parser.add_argument("--bind", default=os.environ.get("IPX_BIND", "127.0.0.1:8000"))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("IPX_WORKERS", "2")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("IPX_THREADS", "2")),
                        help="threads per worker process for pages and the API (live streams need none)")
    parser.add_argument("--dev", action="store_true",
                        help="DEBUG on, one uvicorn process that reloads when the code changes")
    parser.add_argument("--no-worker", action="store_true",
                        help="start no task worker beside the server (where `ipx worker` and `ipx scheduler` run)")
    return parser.parse_args(argv)


def wants_embedded_worker(options: argparse.Namespace, redis_url: str) -> bool:
    """One machine (no Redis) runs its task worker, schedules included, beside the app
    server, started and stopped with it; several servers run workers and one scheduler of
    their own (``ipx cluster``, the README)."""
    return not options.no_worker and not redis_url


def start_embedded_worker() -> subprocess.Popen[bytes]:
    from ipx.tasks.processes import embedded_worker_argv

    worker = subprocess.Popen(embedded_worker_argv())  # noqa: S603 (our own command line)
    owner = os.getpid()

    def stop() -> None:
        # gunicorn forks its workers from this process: only the process that started the
        # task worker stops it. SIGINT lets running tasks finish.
        if os.getpid() != owner or worker.poll() is not None:
            return
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()

    atexit.register(stop)
    return worker


def check_search_index() -> None:
    """Compare the search index with the database before serving (the scheduler repeats it
    every minute): one that is missing, from another database or damaged is rebuilt in the
    background from now on, and search says so meanwhile."""
    from django.db import DatabaseError

    from ipx.search.state import rebuild_if_unusable

    try:
        status = rebuild_if_unusable()
    except DatabaseError as exc:  # not migrated yet: pages will say so; nothing to compare
        print(f"ipx serve: the search index was not checked ({exc})", flush=True)
        return
    print(f"ipx serve: search index {status.state} ({status.engine})", flush=True)


def check_redis() -> None:
    """Where several servers share Redis, refuse to start without it, naming REDIS_URL."""
    from ipx.tasks.engine import StoreUnavailable, check_store

    try:
        check_store()
    except StoreUnavailable as exc:
        raise SystemExit(f"ipx serve: {exc}") from None


def debug_environment(*, dev: bool) -> dict[str, str]:
    """What the settings read for DEBUG: on only with ``--dev``."""
    return {"DEBUG": "1" if dev else "0"}


def gunicorn_arguments(options: argparse.Namespace) -> list[str]:
    return [
        "gunicorn", "ipx.asgi:application",
        "--bind", options.bind,
        "--workers", str(options.workers),
        "--worker-class", WORKER_CLASS,
        # The workers' own sockets join the shared one's address (ipx.serve_worker).
        "--reuse-port",
        # Live streams are held open; gunicorn's timeout is the worker's heartbeat, not a
        # request's, under uvicorn workers, so the default 30 s stays.
        "--graceful-timeout", "10",
        "--access-logfile", "-",
    ]


def serve(argv: list[str]) -> None:
    options = parse_options(argv)
    if not options.dev:
        check_address_free(options.bind)
    # Before django.setup(): the settings read DEBUG from the environment once, on import.
    os.environ.update(debug_environment(dev=options.dev))
    # Read by ipx.asgi in each worker process (the pool for synchronous requests).
    os.environ["IPX_THREADS"] = str(options.threads)

    import django

    django.setup()
    check_embedding_model_before_forking()
    from django.conf import settings

    if settings.REDIS_URL:
        check_redis()
    # Started after the checks, before the server takes over this process.
    if wants_embedded_worker(options, settings.REDIS_URL):
        start_embedded_worker()
    check_search_index()
    if options.dev:
        run_development_server(options.bind)
        return
    collect_static()
    # The checks' database connections stay with this process: a forked worker sharing one
    # would interleave its queries with another's on the same socket.
    from django.db import connections

    connections.close_all()

    from gunicorn.app.wsgiapp import run

    sys.argv = gunicorn_arguments(options)
    run()


def static_fingerprint() -> str:
    """A digest of every static source file's path, size and modification time."""
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in sorted(finder.list([]), key=lambda found: found[0]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collect_static() -> bool:
    """Collect the static files unless the sources are as they were at the last collection:
    hashing and compressing every file again took most of a restart after a crash (14–19 s).
    Returns whether it collected."""
    from django.conf import settings

    stamp = Path(settings.STATIC_ROOT) / ".collected"
    fingerprint = static_fingerprint()
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists() and stamp.exists() and stamp.read_text() == fingerprint:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(fingerprint)
    return True


def run_development_server(bind: str) -> None:
    """uvicorn with reload: the same ASGI app (live streams included) as production."""
    import uvicorn

    from ipx.settings import PACKAGE_DIR

    host, _, port = bind.rpartition(":")
    uvicorn.run("ipx.asgi:application", host=host.strip("[]") or "127.0.0.1", port=int(port), reload=True,
                reload_dirs=[str(PACKAGE_DIR)], lifespan="off")
