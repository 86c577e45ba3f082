"""``ipx serve``: gunicorn in front of the WSGI app (static files through WhiteNoise), or
Django's development server with ``--dev``."""

from __future__ import annotations

import argparse
import os
import sys

from django.core.management import call_command


def serve(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="ipx serve")
    parser.add_argument("--bind", default=os.environ.get("IPX_BIND", "127.0.0.1:8000"))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("IPX_WORKERS", "2")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("IPX_THREADS", "4")))
    parser.add_argument("--dev", action="store_true", help="Django's auto-reloading development server")
    options = parser.parse_args(argv)

    import django

    django.setup()
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
