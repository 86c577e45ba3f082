"""Signed-in reads in one process: the CPU time and the queries of one request of a member of
a verified organisation, through Django's WSGI handler (every middleware, no network, no load
generator), for the listing and search API (an API token) and pages (a session cookie).

    IPX_VAR_DIR=/tmp/ipx-bench .venv/bin/python bench/signed_in_bench.py [--requests 200]

Needs a database with published listings (`ipx migrate && ipx demo`). CPU time, not the
clock, so that other work on a shared machine counts less; `bench/http_bench.py --member`
measures the same requests under load. Prints `NAME VALUE` lines.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipx.settings")
for name, value in {"IPX_ENV": "production", "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
                    "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false", "LOG_LEVEL": "ERROR"}.items():
    os.environ.setdefault(name, value)

SEARCH_TERMS = ["电池", "無人機", "锂电池 隔膜", "装置", "传感器", "制备方法", "battery", "图像", "鋼材", "控制系统"]


def requester(headers: dict[str, str]) -> Callable[[str], int]:
    """A GET through the WSGI handler with ``headers``; returns the status."""
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()

    def get(path: str) -> int:
        address = urlsplit(path)
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": address.path, "QUERY_STRING": address.query,
                   "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1",
                   "HTTP_ACCEPT_LANGUAGE": "zh-hans", "wsgi.input": io.BytesIO(b""), "wsgi.url_scheme": "http",
                   **{"HTTP_" + key.upper().replace("-", "_"): value for key, value in headers.items()}}
        status: list[int] = []

        def start_response(line: str, _headers: list[tuple[str, str]], _error: Any = None) -> Callable[[bytes], object]:
            status.append(int(line.split()[0]))
            return lambda _data: None

        for _chunk in handler(environ, start_response):
            pass
        return status[0]

    return get


def measure(get: Callable[[str], int], paths: list[str], requests: int) -> tuple[float, int]:
    """CPU milliseconds per request over ``requests`` (after one round to warm up), and the
    queries of one request."""
    from django.db import connection

    for path in paths:
        if get(path) != 200:
            raise SystemExit(f"{path} did not answer 200")
    statements: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        get(paths[0])
    started = time.process_time()
    for n in range(requests):
        get(paths[n % len(paths)])
    return (time.process_time() - started) * 1000 / requests, len(statements)


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--member", default="buyer@ipx.example")
    options = parser.parse_args(list(argv) if argv is not None else None)
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from ipx.accounts.models import User
    from ipx.accounts.tokens import TokenInput, api_token_create
    from ipx.listings.models import Listing

    user = User.objects.get(email=options.member)
    _token, key = api_token_create(user=user, token=TokenInput(name="signed_in_bench", expires_in_days=1))
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    ids = list(Listing.objects.filter(status="published").order_by("pk").values_list("pk", flat=True)[:10])
    api, page = requester({"Authorization": f"Bearer {key}"}), requester({"Cookie": cookie})
    targets = {
        "search_api": (api, [f"/api/v1/search/listings?q={quote(t)}" for t in SEARCH_TERMS]),
        "search_page": (page, [f"/search/?q={quote(t)}" for t in SEARCH_TERMS]),
        "listing_api": (api, [f"/api/v1/listings/{i}" for i in ids]),
        "listing_page": (page, [f"/listings/{i}/" for i in ids]),
    }
    print(f"signed_in_as {options.member}")
    for name, (get, paths) in targets.items():
        cpu_ms, queries = measure(get, paths, options.requests)
        print(f"{name}.cpu_ms {cpu_ms:.2f}")
        print(f"{name}.queries {queries}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
