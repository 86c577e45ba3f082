"""Live updates benchmark: N clients, each following its own stream (``user-<id>``, the unread
badge), connected to one app server or split across two, while another process publishes.

    .venv/bin/python bench/live_bench.py [--clients 500] [--servers 1|2] [--rounds 5]
    scripts/with-postgres.sh .venv/bin/python bench/live_bench.py --servers 2   # on PostgreSQL

Starts `ipx serve` (production mode, gunicorn with uvicorn workers) on 127.0.0.1:8101 (and
8102) against one database: a fresh SQLite file in a temporary directory, or DATABASE_URL when
set. This process creates the members and their sessions, opens every stream (httpx), then
publishes rounds: in each, one event on every stream in one transaction (the hardest case:
all clients are told at once), as a worker process publishing into the shared database would.
Latency is from that commit to the event's arrival at the client, both clocks this process's.
Prints `NAME VALUE` lines: delivered/expected, p50/p95/p99/max latency in ms, and whether
every stream received exactly the numbers 1..rounds (no gap, no duplicate). Every wait is
bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
PORTS = (8101, 8102)
SECRET = "bench-only-secret-key-" + "x" * 40


def environment(var_dir: Path) -> dict[str, str]:
    return {"IPX_ENV": "production", "SECRET_KEY": SECRET, "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false", "LOG_LEVEL": "ERROR", "IPX_VAR_DIR": str(var_dir),
            "DJANGO_SETTINGS_MODULE": "ipx.settings"}


def prepare(clients: int) -> list[tuple[int, str]]:
    """Members and signed-in sessions: (user id, session key) per client."""
    import logging

    import django

    django.setup()
    from django.test import Client

    logging.disable(logging.INFO)  # the security log's line per sign-in

    from ipx.accounts.models import User

    User.objects.bulk_create([User(email=f"live-bench-{n}@example.com", full_name=f"Live {n}")
                              for n in range(clients)])
    users = list(User.objects.filter(email__startswith="live-bench-").order_by("pk"))
    sessions = []
    for user in users:
        client = Client()
        client.force_login(user)
        sessions.append((user.pk, client.cookies["sessionid"].value))
    return sessions


def wait_until_up(port: int, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server on port {port} did not come up")


class Results:
    def __init__(self) -> None:
        self.opened = 0
        self.received: dict[int, list[tuple[int, float]]] = {}
        self.errors: list[str] = []


async def follow(http: Any, port: int, user_id: int, session: str, results: Results, stop: asyncio.Event) -> None:
    seen = results.received.setdefault(user_id, [])
    url = f"http://127.0.0.1:{port}/live/user-{user_id}/"
    try:
        async with http.stream("GET", url, headers={"Cookie": f"sessionid={session}"}) as response:
            if response.status_code != 200:
                results.errors.append(f"{user_id}: HTTP {response.status_code}")
                return
            opened = False
            current = None
            async for line in response.aiter_lines():
                if line.startswith("id: "):
                    current = int(line[4:])
                    if not opened:
                        opened = True
                        results.opened += 1
                elif line.startswith("event: ") and current is not None:
                    seen.append((current, time.time()))
                if stop.is_set():
                    return
    except Exception as exc:  # a client's failure is a result, not a crash of the benchmark
        if not stop.is_set():
            results.errors.append(f"{user_id}: {exc!r}")


def publish_round(user_ids: list[int], number: int) -> float:
    from django.db import transaction

    from ipx.live.services import publish

    with transaction.atomic():
        for user_id in user_ids:
            publish(f"user-{user_id}", "unread", unread=number)
    return time.time()


async def run(options: argparse.Namespace, sessions: list[tuple[int, str]]) -> dict[str, float]:
    import httpx
    from asgiref.sync import sync_to_async

    results = Results()
    stop = asyncio.Event()
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(None, connect=30)) as http:
        tasks = []
        # Clients arrive in batches (pages being opened), not all in one instant: each opening
        # request holds a database connection until its stream starts, and PostgreSQL refuses
        # connections beyond max_connections (a pooler's job; see the production notes).
        for start in range(0, len(sessions), options.batch):
            for n in range(start, min(start + options.batch, len(sessions))):
                user_id, session = sessions[n]
                tasks.append(asyncio.create_task(
                    follow(http, PORTS[n % options.servers], user_id, session, results, stop)))
            deadline = time.monotonic() + 60
            while results.opened < len(tasks) and time.monotonic() < deadline and not results.errors:
                await asyncio.sleep(0.05)
        print(f"streams_open {results.opened}", flush=True)
        user_ids = [user_id for user_id, _session in sessions]
        committed: dict[int, float] = {}
        for number in range(1, options.rounds + 1):
            committed[number] = await sync_to_async(publish_round, thread_sensitive=True)(user_ids, number)
            await asyncio.sleep(options.pause)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if all(len(results.received.get(u, [])) >= options.rounds for u in user_ids):
                break
            await asyncio.sleep(0.2)
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    latencies = sorted((arrived - committed[seq]) * 1000 for got in results.received.values()
                       for seq, arrived in got if seq in committed)
    exact = sum(1 for u in user_ids if [seq for seq, _ in results.received.get(u, [])] ==
                list(range(1, options.rounds + 1)))
    if results.errors:
        print(f"errors {len(results.errors)} (first: {results.errors[0]})")

    def percentile(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else float("nan")

    return {"delivered": float(len(latencies)), "expected": float(len(user_ids) * options.rounds),
            "streams_exact": float(exact), "p50_ms": percentile(0.50), "p95_ms": percentile(0.95),
            "p99_ms": percentile(0.99), "max_ms": latencies[-1] if latencies else float("nan"),
            "mean_ms": statistics.fmean(latencies) if latencies else float("nan")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--servers", type=int, choices=(1, 2), default=1)
    parser.add_argument("--workers", type=int, default=1, help="worker processes per server")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch", type=int, default=50, help="clients that connect at once")
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between rounds")
    options = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="ipx-live-bench-"))
    os.environ.update(environment(var_dir))
    env = {**os.environ}
    ipx = str(ROOT / ".venv" / "bin" / "ipx")
    subprocess.run([ipx, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    servers: list[subprocess.Popen[bytes]] = []
    try:
        for port in PORTS[:options.servers]:
            servers.append(subprocess.Popen(
                [ipx, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(options.workers)],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
        sessions = prepare(options.clients)
        for port in PORTS[:options.servers]:
            wait_until_up(port)
        database = "postgresql" if "postgres" in os.environ.get("DATABASE_URL", "") else "sqlite"
        print(f"clients {options.clients}\nservers {options.servers}\nworkers_per_server {options.workers}\n"
              f"database {database}\nrounds {options.rounds}", flush=True)
        figures = asyncio.run(run(options, sessions))
        for key, value in figures.items():
            print(f"{key} {value:.1f}")
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            server.wait(timeout=30)
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
