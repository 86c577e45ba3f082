"""``ipx serve``: gunicorn in front of the WSGI app (static files through WhiteNoise) with
DEBUG off, or Django's development server with DEBUG on with ``--dev``.

DEBUG is never inherited from the shell: a served site with DEBUG on shows tracebacks and
settings to anyone who finds an error, and serves media from the application, so only the
explicit ``--dev`` turns it on."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
from multiprocessing.connection import Connection

from django.core.management import call_command

MODEL_CHECK_SECONDS = 120


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
    broken, before any request. The model is loaded in a child process: its OpenMP runtime
    does not survive ``fork``, and gunicorn forks its workers from this process, so had
    this process run the model, every worker would hang at its first embedding."""
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
    parser.add_argument("--threads", type=int, default=int(os.environ.get("IPX_THREADS", "4")))
    parser.add_argument("--dev", action="store_true",
                        help="DEBUG on, with Django's auto-reloading development server")
    return parser.parse_args(argv)


def debug_environment(*, dev: bool) -> dict[str, str]:
    """What the settings read for DEBUG: on only with ``--dev``."""
    return {"DEBUG": "1" if dev else "0"}


def serve(argv: list[str]) -> None:
    options = parse_options(argv)
    # Before django.setup(): the settings read DEBUG from the environment once, on import.
    os.environ.update(debug_environment(dev=options.dev))

    import django

    django.setup()
    check_embedding_model_before_forking()
    if options.dev:
        call_command("runserver", options.bind)
        return
    call_command("collectstatic", interactive=False, verbosity=0)

    from gunicorn.app.wsgiapp import run

    sys.argv = [
        "gunicorn", "ipx.wsgi:application",
        "--bind", options.bind,
        "--workers", str(options.workers),
        "--threads", str(options.threads),
        "--worker-class", "gthread",
        "--access-logfile", "-",
    ]
    run()
