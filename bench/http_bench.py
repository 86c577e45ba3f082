"""HTTP benchmark: the production server (gunicorn with uvicorn workers, ASGI) under wrk, on
loopback only.

    .venv/bin/python bench/http_bench.py [--duration 20] [--connections 32] [--workers 2]

Needs a database with published listings (`make demo` leaves one in var/) and Debian's
wrk. Starts `ipx serve` in production mode on 127.0.0.1, then for each target spreads
requests over many listing ids or search terms (a Lua script picks one per request) and
prints requests/s and latency percentiles as `NAME VALUE` lines. The server is stopped at
the end; every loop is bounded by --duration.

Anonymous reads are answered from the public cache after the first; --uncached sends an
unknown bearer token so that every request does the full work; --member signs in as a member
of a verified organisation (buyer@ipx.example in the demo): the API with an API token made
for the run, the pages with a session cookie, so every request passes the session, the
token and the member's own parts of the answer.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipx.settings")

from server_connections import connections_per_process  # noqa: E402  (bench/, beside this script)

LUA = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], {["Accept-Language"] = "zh-hans"%(extra)s})
end
"""

SEARCH_TERMS = ["电池", "無人機", "锂电池 隔膜", "装置", "传感器", "制备方法", "battery", "图像", "鋼材", "控制系统",
                "新能源", "检测", "机器人", "催化剂", "数据"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def listing_ids(limit: int) -> list[int]:
    import django

    django.setup()
    from ipx.listings.models import Listing

    return list(Listing.objects.filter(status="published").order_by("pk").values_list("pk", flat=True)[:limit])


def member_credentials(email: str) -> tuple[str, str]:
    """An API token's key and a session cookie of ``email``, a member of a verified organisation
    (the token lives a day; the session ends like any other)."""
    from django.conf import settings
    from django.test import Client

    from ipx.accounts.models import User
    from ipx.accounts.tokens import TokenInput, api_token_create

    user = User.objects.get(email=email)
    if not any(membership.organisation.is_verified for membership in user.memberships.all()):
        raise SystemExit(f"{email} is no member of a verified organisation")
    _token, key = api_token_create(user=user, token=TokenInput(name="http_bench", expires_in_days=1))
    client = Client()
    client.force_login(user)
    return key, f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def wait_until_up(url: str, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback URL we built
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server did not come up at {url}")


def found(pattern: str, text: str) -> re.Match[str]:
    match = re.search(pattern, text)
    if match is None:
        raise SystemExit(f"wrk's output lacks {pattern!r}:\n{text}")
    return match


def parse_wrk(output: str) -> dict[str, float]:
    def ms(value: str) -> float:
        number, unit = found(r"([\d.]+)(\w+)", value).groups()
        return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]

    figures = {"rps": float(found(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    for label, key in (("50%", "p50_ms"), ("90%", "p90_ms"), ("99%", "p99_ms")):
        match = re.search(rf"{re.escape(label)}\s+([\d.]+\w+)", output)
        if match:
            figures[key] = ms(match.group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    figures["non_2xx"] = float(errors.group(1)) if errors else 0.0
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--server-threads", type=int, default=2,
                        help="threads per server worker process (ipx serve's default)")
    parser.add_argument("--wsgi", action="store_true",
                        help="gunicorn's threaded WSGI workers instead of `ipx serve` (ASGI), to compare")
    parser.add_argument("--only", default="", help="comma-separated targets to run (default: all)")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of load before measuring")
    parser.add_argument("--uncached", action="store_true",
                        help="send an (unknown) bearer token, so that no answer comes from the public cache")
    parser.add_argument("--member", nargs="?", const="buyer@ipx.example", default="",
                        help="sign in as this member of a verified organisation (default buyer@ipx.example): "
                             "a token for the API, a session cookie for the pages")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    ids = listing_ids(2000)
    if not ids:
        raise SystemExit("no published listings: run `make demo` (or `ipx demo`) first")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "IPX_ENV": "production", "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
           "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false", "LOG_LEVEL": "ERROR"}
    command = [str(ROOT / ".venv" / "bin" / "ipx"), "serve", "--bind", f"127.0.0.1:{port}",
               "--workers", str(options.workers), "--threads", str(options.server_threads), "--no-worker"]
    if options.wsgi:
        # The server IPX used before ASGI, for a comparison on the same machine at the same time.
        subprocess.run([str(ROOT / ".venv" / "bin" / "ipx"), "collectstatic", "--noinput", "-v", "0"], env=env,
                       check=True)
        command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "ipx.wsgi:application", "--bind", f"127.0.0.1:{port}",
                   "--workers", str(options.workers), "--worker-class", "gthread",
                   "--threads", str(options.server_threads)]
    server = subprocess.Popen(
        command,
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    workdir = Path(tempfile.mkdtemp(prefix="ipx-http-bench-"))
    try:
        wait_until_up(f"{base}/api/v1/listings/{ids[0]}")
        from urllib.parse import quote

        pages = not options.uncached
        targets = {
            "listing_api": [f"/api/v1/listings/{i}" for i in ids],
            **({"listing_page": [f"/listings/{i}/" for i in ids]} if pages else {}),
            "search_api": [f"/api/v1/search/listings?q={quote(t)}" for t in SEARCH_TERMS],
            "search_api_facets": [f"/api/v1/search/listings?q={quote(t)}&region=CN-44&offer_kind=licence"
                                  for t in SEARCH_TERMS],
            **({"search_page": [f"/search/?q={quote(t)}" for t in SEARCH_TERMS]} if pages else {}),
        }
        if options.member:
            key, cookie = member_credentials(options.member)
            print(f"signed_in_as {options.member}")
        print(f"server_workers {options.workers}")
        print(f"server {'wsgi-gthread' if options.wsgi else 'asgi-uvicorn'}")
        chosen = set(filter(None, options.only.split(",")))
        for name, paths in targets.items():
            if chosen and name not in chosen:
                continue
            path_file = workdir / f"{name}.txt"
            path_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
            script = workdir / f"{name}.lua"
            extra = ', ["Authorization"] = "Bearer not-a-token"' if options.uncached else ""
            if options.member:
                extra = (f', ["Authorization"] = "Bearer {key}"' if name.endswith(("_api", "_facets"))
                         else f', ["Cookie"] = "{cookie}"')
            script.write_text(LUA % {"paths": path_file, "extra": extra}, encoding="utf-8")
            subprocess.run(["wrk", "-t", "1", "-c", "4", "-d", f"{options.warmup}s", "-s", str(script), base],
                           check=True, capture_output=True)  # warm-up
            run = subprocess.Popen(
                ["wrk", "-t", str(options.threads), "-c", str(options.connections), "-d", f"{options.duration}s",
                 "--latency", "-s", str(script), base],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )
            time.sleep(min(2.0, options.duration / 2))
            split = connections_per_process(port)
            out, err = run.communicate()
            if run.returncode:
                raise SystemExit(f"wrk failed: {err}")
            for key, value in parse_wrk(out).items():
                print(f"{name}.{key} {value:.2f}")
            # How the kernel spread wrk's connections over the worker processes (busiest first).
            print(f"{name}.connections_per_worker {'/'.join(map(str, split))}")
            sys.stdout.flush()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
